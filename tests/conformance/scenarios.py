"""The scripted scenarios of the differential test, as data.

Each scenario lists the clients (drivers) it runs with and its steps. Steps use
`$name` references to values saved by earlier steps (see `drivers.Step`).
`compare` says how a step's output must match: entirely (default), in any
order (`unordered`: the real server lists its system assistants in the order
they happened to be created, which varies from start to start), only in
`shape` (keys and types: `/info`), or only by `status` (schema-validation
messages quote the real server's own OpenAPI schema).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .drivers import Step, step

SDK = ("sdk-sync", "sdk-async")
RG = ("rg-sync", "rg-async")
RAW = ("raw",)

HI = {"messages": [{"role": "user", "content": "hi"}]}
ALL_MODES = ["values", "updates", "messages-tuple", "custom", "debug", "tasks", "checkpoints"]
RUN_ID = (0, 1, "run_id")  # where a stream's first (metadata) event holds the run id


@dataclass(frozen=True)
class Scenario:
    """A named list of steps, the drivers that run it, and known real-server bugs.

    Attributes:
        name: Test id.
        drivers: Which clients run it.
        steps: The calls.
        compare: Per output index (steps that return nothing, like `new_id`,
            have none), "unordered", "shape" or "status".
        real_bug: Why the real server's answer is wrong and the fake need not
            match it. The comparison is then expected to differ (strict xfail).
        exclusive: The scenario changes what every client sees (it creates
            assistants), so it runs alone on the real server, after the
            others, and on a fake of its own.
    """

    name: str
    drivers: tuple[str, ...]
    steps: tuple[Step, ...]
    compare: dict[int, str] = field(default_factory=dict)
    real_bug: str | None = None
    exclusive: bool = False


def scenario(name: str, drivers: tuple[str, ...], *steps: Step, **kw: Any) -> Scenario:
    """Build a `Scenario` tersely."""
    return Scenario(name, drivers, steps, **kw)


def thread(name: str = "t", **kw: Any) -> Step:
    """Create a thread and remember its id as `name`."""
    return step("create_thread", save={name: ("thread_id",)}, **kw)


def stream(thread: str | None, graph: str, **kw: Any) -> Step:
    """Stream a run and remember its id as `run`."""
    return step("stream", save={"run": RUN_ID}, thread_id=thread, assistant_id=graph, **kw)


BASE: list[Scenario] = [
    # --- assistants -------------------------------------------------------------
    scenario(
        "assistants",
        SDK,
        step("search_assistants", limit=10),
        step("search_assistants", graph_id="echo"),
        step("get_assistant", assistant_id="$assistant:echo"),
        step("get_assistant", assistant_id="echo"),  # a name is 422 here
        step("get_assistant", assistant_id="$new"),  # unknown UUID: 404
        step("get_graph", assistant_id="echo"),
        step("get_graph", assistant_id="nested", xray=False),
        step("get_graph", assistant_id="nested", xray=True),
        step("get_graph", assistant_id="$assistant:nested", xray=1),
        step("get_graph", assistant_id="nope"),
        step("get_schemas", assistant_id="$assistant:echo"),
        step("get_schemas", assistant_id="$assistant:asker"),
        step("get_schemas", assistant_id="echo"),
        compare={0: "unordered"},
    ),
    # --- threads ----------------------------------------------------------------
    scenario(
        "threads",
        SDK,
        thread(),
        thread("u", thread_id="$new"),
        step("create_thread", thread_id="$u"),  # duplicate: 409
        step("create_thread", thread_id="$u", if_exists="raise"),
        step("create_thread", thread_id="$u", if_exists="do_nothing"),
        step("create_thread", thread_id="not-a-uuid"),
        step("create_thread", metadata={"graph_id": "echo", "owner": "tests"}),
        step("get_thread", thread_id="$t"),
        step("get_thread", thread_id="$new"),
        step("get_thread", thread_id="not-a-uuid"),
        step("get_state", thread_id="$t"),
        step("get_history", thread_id="$t"),
        step("get_state", thread_id="$new"),
        step("get_history", thread_id="$new"),
        step("get_state", thread_id="not-a-uuid"),
    ),
    # --- runs: stream modes -----------------------------------------------------------
    scenario(
        "stream-echo-modes",
        SDK,
        thread(),
        stream("$t", "echo", input=HI, stream_mode="values"),
        stream("$t", "echo", input=HI, stream_mode="updates"),
        stream("$t", "echo", input=HI, stream_mode=ALL_MODES),
        step("get_run", thread_id="$t", run_id="$run"),
        step("get_thread", thread_id="$t"),
        step("get_history", thread_id="$t", limit=3),
    ),
    scenario(
        "stream-chat-tokens-and-custom",
        SDK,
        step("new_id", name="t"),
        stream("$t", "chatty", input=HI, stream_mode=ALL_MODES, if_not_exists="create"),
        stream("$t", "chatty", input=HI, stream_mode="messages"),  # the legacy event names
        step("get_state", thread_id="$t"),
    ),
    scenario(
        "stream-subgraphs",
        SDK,
        thread(),
        stream("$t", "nested", input={"steps": []}, stream_mode=ALL_MODES, stream_subgraphs=True),
        stream("$t", "nested", input={"steps": []}, stream_mode=ALL_MODES),
        step("get_state", thread_id="$t", subgraphs=True),
    ),
    scenario(
        "stateless-runs",
        SDK,
        stream(None, "echo", input=HI, stream_mode=["values", "updates"]),
        stream(None, "nested", input={"steps": []}, stream_mode=ALL_MODES, stream_subgraphs=True),
        step("wait", thread_id=None, assistant_id="echo", input=HI),
        stream(None, "failing", input=HI, stream_mode="values"),
        step("wait", thread_id=None, assistant_id="failing", input=HI),
    ),
    # --- interrupts -------------------------------------------------------------
    scenario(
        "interrupt-and-resume-stream",
        SDK,
        thread(),
        stream("$t", "asker", input={"question": "ok?"}, stream_mode=["values", "updates"]),
        step("get_thread", thread_id="$t"),
        step("get_state", thread_id="$t"),
        stream("$t", "asker", command={"resume": "yes"}, stream_mode=["values", "updates"]),
        step("get_state", thread_id="$t"),
        step("get_history", thread_id="$t", limit=5),
    ),
    scenario(
        "interrupt-and-resume-wait",
        SDK,
        thread(),
        step("wait", thread_id="$t", assistant_id="asker", input={"question": "wait?"}),
        step("wait", thread_id="$t", assistant_id="asker", command={"resume": 42}),
        step("get_thread", thread_id="$t"),
    ),
    scenario(
        "interrupt-before",
        SDK,
        thread(),
        stream("$t", "echo", input=HI, stream_mode="updates", interrupt_before=["reply"]),
        step("get_state", thread_id="$t"),
    ),
    # --- a graph that raises ----------------------------------------------------
    scenario(
        "graph-error",
        SDK,
        thread(),
        stream("$t", "failing", input=HI, stream_mode=["values", "updates"]),
        step("get_run", thread_id="$t", run_id="$run"),
        step("get_thread", thread_id="$t"),
        step("get_state", thread_id="$t"),
        step("wait", thread_id="$t", assistant_id="failing", input=HI),
    ),
    # --- state ------------------------------------------------------------------
    scenario(
        "state-and-history",
        SDK,
        thread(),
        step("wait", thread_id="$t", assistant_id="echo", input=HI),
        step("get_state", thread_id="$t", save={"cp": ("checkpoint_id",)}),
        step("get_state", thread_id="$t", checkpoint={"thread_id": "$t"}),
        step("get_state", thread_id="$t", checkpoint_id="$cp"),
        step(
            "update_state",
            thread_id="$t",
            values={"messages": [{"role": "ai", "content": "edited", "id": "fixed-id"}]},
            as_node="reply",
        ),
        step("get_state", thread_id="$t"),
        step("get_history", thread_id="$t", limit=10),
        step("update_state", thread_id="$t", values={"log": ["x"]}, as_node="nope"),
    ),
    scenario(
        "update-state-without-graph",
        SDK,
        thread(),
        step("update_state", thread_id="$t", values={"log": ["x"]}),
    ),
    # --- error statuses ---------------------------------------------------------
    scenario(
        "run-errors",
        SDK,
        stream("not-a-uuid", "echo", input=HI),  # 400 here, 422 on other thread routes
        step("wait", thread_id="not-a-uuid", assistant_id="echo", input=HI),
        stream("$new", "echo", input=HI),  # unknown thread, no if_not_exists: 404
        stream(None, "nope", input=HI),  # unknown graph name: 422
        stream("$new", "nope", input=HI, if_not_exists="create"),
        stream(None, "$new", input=HI),  # unknown assistant UUID: 404
        stream(None, "echo", input=HI, config={"configurable": {"a": 1}}, context={"a": 1}),
        step("wait", thread_id=None, assistant_id="echo", command={"resume": 1}),
    ),
    # --- RemoteGraph ------------------------------------------------------------
    scenario(
        "rg-get-graph",
        RG,
        step("rg_get_graph", graph="echo"),
        step("rg_get_graph", graph="nested", xray=False),
        step("rg_get_graph", graph="nested", xray=True),
        step("rg_get_graph", graph="nested", xray=1),
    ),
    scenario(
        "rg-invoke-and-state",
        RG,
        step("rg_invoke", graph="echo", input=HI),
        step("new_id", name="t"),
        step("rg_invoke", graph="echo", input=HI, thread="$t"),
        step("rg_get_state", graph="echo", thread="$t"),
        step("rg_get_state_history", graph="echo", thread="$t", limit=3),
        step(
            "rg_update_state",
            graph="echo",
            thread="$t",
            values={"log": ["edited"]},
            as_node="reply",
        ),
        step("rg_get_state", graph="echo", thread="$t"),
    ),
    scenario(
        "rg-stream",
        RG,
        step(
            "rg_stream",
            graph="echo",
            input=HI,
            stream_mode=["values", "updates", "messages", "custom"],
        ),
        step("rg_stream", graph="nested", input={"steps": []}, subgraphs=True),
        step(
            "rg_stream",
            graph="nested",
            input={"steps": []},
            subgraphs=True,
            stream_mode=["values", "updates", "debug"],
        ),
        step("rg_stream", graph="chatty", input=HI, stream_mode=["messages", "custom"]),
    ),
    scenario(
        "rg-interrupt-and-resume",
        RG,
        step("new_id", name="t"),
        step("rg_invoke", graph="asker", input={"question": "ok?"}, thread="$t"),
        step("rg_get_state", graph="asker", thread="$t"),
        step("rg_invoke", graph="asker", resume="yes", thread="$t"),
        step("rg_get_state", graph="asker", thread="$t"),
    ),
    scenario(
        "rg-errors",
        RG,
        step("rg_invoke", graph="failing", input=HI),
        step("rg_invoke", graph="nope", input=HI),
        step("rg_invoke", graph="echo", input=HI, thread="not-a-uuid"),
        step("new_id", name="t"),
        step("rg_get_state", graph="echo", thread="$t"),  # unknown thread: 404
    ),
    scenario(
        "rg-history-before",
        RG,
        step("new_id", name="t"),
        step("rg_invoke", graph="echo", input=HI, thread="$t"),
        step(
            "rg_get_state_history",
            graph="echo",
            thread="$t",
            before={"configurable": {"thread_id": "$t"}},
        ),
        real_bug=(
            "langgraph-runtime-inmem answers 500 (KeyError: 'configurable') to the flat "
            "`before` form that RemoteGraph and the SDK send; the fake should answer it."
        ),
    ),
    # --- raw HTTP: exact statuses, headers and bodies -----------------------------------
    scenario(
        "raw-ok-and-info",
        RAW,
        step("GET", path="/ok"),
        step("GET", path="/info"),
        compare={1: "shape"},
    ),
    scenario(
        "raw-sse-and-runs",
        RAW,
        step("new_id", name="t"),
        step(
            "POST",
            path="/threads/$t/runs/stream",
            json={
                "input": HI,
                "config": {"configurable": {}},
                "stream_mode": ["values", "updates"],
                "stream_subgraphs": False,
                "stream_resumable": False,
                "assistant_id": "echo",
                "if_not_exists": "create",
            },
            save={"run": ("body", 0, 1, "run_id")},
        ),
        step("GET", path="/threads/$t/runs/$run"),
        step("POST", path="/runs/stream", json={"assistant_id": "echo", "input": HI}),
        step("POST", path="/threads/$t/runs/wait", json={"assistant_id": "echo", "input": HI}),
        step("POST", path="/runs/wait", json={"assistant_id": "failing", "input": HI}),
        step("POST", path="/threads/$t/history", json={"limit": 2}),
        step("POST", path="/assistants/search", json={"limit": 1}),
        # Which assistant comes first varies on the real server, and its X-Pagination-Total
        # is not a count (limit 1 gives 2 with six assistants); the SDK never reads it.
        compare={6: "shape"},
    ),
    scenario(
        "raw-bad-requests",
        RAW,
        step("POST", path="/threads", content=b"{not json"),
        step("POST", path="/runs/stream", content=b""),
        step("POST", path="/runs/stream", json={"input": HI}),  # no assistant_id
        step("POST", path="/runs/wait", json={"assistant_id": "echo", "stream_mode": 5}),
        step("POST", path="/threads", json={"if_exists": "maybe"}),
        step("GET", path="/threads/not-a-uuid/state"),
        step("POST", path="/threads/not-a-uuid/history", json={}),
        step("POST", path="/threads/not-a-uuid/runs/stream", json={"assistant_id": "echo"}),
        step("GET", path="/runs/stream"),  # wrong method
        step("GET", path="/no/such/path"),
        compare={2: "status", 3: "status", 4: "status"},
    ),
]
