"""Scenarios pinning where an independent check found the fake differing from the real server.

Each failed against the fake as it was before they were fixed: output-schema
filtering, assistants search options and pagination, count and subgraphs,
thread search, request validation and status lines, subgraph state, the
background run as created, run metadata, and connection reuse (every trace
counts its connections).
"""

from __future__ import annotations

from .drivers import step
from .scenarios import HI, RAW, RG, SDK, Scenario, scenario, stream, thread

ASK = {"question": "q?"}
TAG_THREAD = {"tag": "$tag"}

FIDELITY: list[Scenario] = [
    # --- output schemas: values, updates, wait and invoke show only output keys ------
    scenario(
        "output-schema",
        SDK,
        thread(),
        stream("$t", "filtered", input={"question": "q"}, stream_mode=["values", "updates"]),
        step("wait", thread_id="$t", assistant_id="filtered", input={"question": "again"}),
        step("wait", thread_id=None, assistant_id="filtered", input={"question": "q"}),
        stream(None, "filtered", input={"question": "q"}, stream_mode=["values", "debug"]),
        step("get_state", thread_id="$t"),  # the thread state keeps every key
        step("get_thread", thread_id="$t"),
        step("get_history", thread_id="$t", limit=2),
        step("get_schemas", assistant_id="$assistant:filtered"),  # an unnamed graph's titles
        step("get_graph", assistant_id="filtered"),
    ),
    scenario(
        "rg-output-schema",
        RG,
        step("rg_invoke", graph="filtered", input={"question": "q"}),
        step("new_id", name="t"),
        step("rg_invoke", graph="filtered", input={"question": "q"}, thread="$t"),
        step("rg_stream", graph="filtered", input={"question": "q"}, stream_mode=["values"]),
        step("rg_stream", graph="filtered", input={"question": "q"}, stream_mode="updates"),
        step("rg_get_state", graph="filtered", thread="$t"),
    ),
    # --- an interrupt inside a subgraph -------------------------------------------------
    scenario(
        "subgraph-interrupt",
        SDK,
        thread(),
        step("wait", thread_id="$t", assistant_id="nested_asker", input=ASK),
        step("get_thread", thread_id="$t"),
        step("get_state", thread_id="$t", subgraphs=True),
        step("get_history", thread_id="$t", limit=3),
        thread("u"),
        stream(
            "$u",
            "nested_asker",
            input=ASK,
            stream_mode=["values", "updates"],
            stream_subgraphs=True,
        ),
        step("get_thread", thread_id="$u"),  # the subgraph's checkpoint came last
        step("get_state", thread_id="$u", subgraphs=True),
        stream("$u", "nested_asker", command={"resume": "yes"}, stream_subgraphs=True),
        step("get_thread", thread_id="$u"),
    ),
    scenario(
        "rg-subgraph-interrupt",
        RG,
        step("new_id", name="t"),
        step("rg_invoke", graph="nested_asker", input=ASK, thread="$t"),
        step("rg_get_state", graph="nested_asker", thread="$t", subgraphs=True),
        step("rg_invoke", graph="nested_asker", resume="yes", thread="$t"),
        step("rg_get_state", graph="nested_asker", thread="$t", subgraphs=True),
    ),
    # --- assistants: search options, pagination, count, subgraphs ---------------------
    scenario(
        "assistants-search-options",
        SDK,
        step(
            "search_assistants",
            sort_by="graph_id",
            sort_order="asc",
            limit=3,
            offset=1,
            select=["graph_id", "name"],
        ),
        step(
            "search_assistants",
            sort_by="name",
            sort_order="desc",
            limit=2,
            select=["graph_id"],
            response_format="object",
        ),
        step(
            "search_assistants",
            sort_by="graph_id",
            limit=2,
            offset=7,
            select=["graph_id"],
            response_format="object",
        ),
        step("search_assistants", name="NEST", sort_by="graph_id", select=["graph_id"]),
        step(
            "search_assistants",
            metadata={"created_by": "system"},
            sort_by="assistant_id",
            select=["assistant_id", "version"],
        ),
        step("search_assistants", graph_id="nope"),  # 404 naming the served graphs
        step("search_assistants", select=["nope"]),
    ),
    scenario(
        "assistants-count-and-subgraphs",
        SDK,
        step("count_assistants"),
        step("count_assistants", graph_id="echo"),
        step("count_assistants", name="nest"),
        step("count_assistants", metadata={"created_by": "system"}),
        step("count_assistants", graph_id="nope"),
        step("get_subgraphs", assistant_id="$assistant:nested"),
        step("get_subgraphs", assistant_id="$assistant:nested", recurse=True),
        step("get_subgraphs", assistant_id="$assistant:nested", namespace="child"),
        step("get_subgraphs", assistant_id="$assistant:nested_asker"),
        step("get_subgraphs", assistant_id="$assistant:echo"),
        step("get_subgraphs", assistant_id="nested"),  # a graph id is 422 here
        step("get_subgraphs", assistant_id="$new"),
    ),
    scenario(
        "raw-assistants-pagination",
        RAW,
        step(
            "POST",
            path="/assistants/search",
            json={"limit": 3, "offset": 2, "sort_by": "graph_id", "select": ["graph_id"]},
        ),
        step(
            "POST",
            path="/assistants/search",
            json={"limit": 5, "offset": 6, "sort_by": "graph_id", "select": ["graph_id"]},
        ),
        step("POST", path="/assistants/search", json={"graph_id": "nope"}),
        step("POST", path="/assistants/count", json={}),
        step("POST", path="/assistants/count", json={"graph_id": "echo"}),
        step("POST", path="/assistants/count", json={"graph_id": "nope"}),
        step("GET", path="/assistants/$assistant:nested/subgraphs"),
        step("GET", path="/assistants/$assistant:nested/subgraphs/child"),
    ),
    # --- threads: search and count ------------------------------------------------------
    scenario(
        "threads-search",
        SDK,
        step("new_id", name="tag"),
        thread("a", metadata={"tag": "$tag", "n": 1}),
        thread("b", metadata={"tag": "$tag", "n": 2}),
        thread("c", metadata={"tag": "$tag", "n": 3}),
        step("wait", thread_id="$b", assistant_id="echo", input=HI),
        step("wait", thread_id="$c", assistant_id="asker", input=ASK),
        step("search_threads", metadata=TAG_THREAD),
        step("search_threads", metadata=TAG_THREAD, status="interrupted"),
        step(
            "search_threads",
            metadata=TAG_THREAD,
            status="idle",
            select=["thread_id", "metadata", "status"],
        ),
        step(
            "search_threads",
            metadata=TAG_THREAD,
            limit=1,
            offset=1,
            sort_by="created_at",
            sort_order="asc",
        ),
        step(
            "search_threads",
            ids=["$a", "$c"],
            sort_by="thread_id",
            sort_order="asc",
            select=["thread_id"],
        ),
        step(
            "search_threads",
            metadata={"tag": "$tag", "n": 2},
            extract={"last": "values.messages[-1].content", "n": "metadata.n", "x": "values.no.pe"},
            select=["thread_id"],
        ),
        step("search_threads", extract={"values": "values.x"}),
        step("search_threads", extract={"a": "nope.x"}),
        step("search_threads", ids=["nope"]),
        step("count_threads", metadata=TAG_THREAD),
        step("count_threads", metadata=TAG_THREAD, status="idle"),
    ),
    scenario(
        "raw-threads-search",
        RAW,
        step("new_id", name="tag"),
        step("POST", path="/threads", json={"metadata": {"tag": "$tag"}}),
        step("POST", path="/threads", json={"metadata": {"tag": "$tag"}}),
        step("POST", path="/threads/search", json={"metadata": {"tag": "$tag"}, "limit": 1}),
        step(
            "POST",
            path="/threads/search",
            json={"metadata": {"tag": "$tag"}, "limit": 1, "offset": 1},
        ),
        step("POST", path="/threads/count", json={"metadata": {"tag": "$tag"}}),
    ),
    # --- validation: the server's messages and status lines -----------------------------
    scenario(
        "raw-validation",
        RAW,
        step("new_id", name="t"),
        step("POST", path="/threads", json={"thread_id": "$t"}),
        step("POST", path="/threads", content=b""),
        step("POST", path="/threads", content=b"{bad"),
        step("POST", path="/threads", json={"metadata": "x"}),
        step("POST", path="/threads", json={"thread_id": 5}),
        step("POST", path="/threads/search", json={"limit": "x"}),
        step("POST", path="/threads/search", json={"status": "nope"}),
        step("POST", path="/threads/search", json={"select": ["nope"]}),
        step("POST", path="/threads/search", json={"limit": 0}),
        step("POST", path="/assistants/search", json={"sort_by": "nope"}),
        step("POST", path="/assistants/search", content=b""),
        step("POST", path="/runs/wait", json={"assistant_id": "echo", "stream_mode": 5}),
        step("POST", path="/runs/stream", json={"input": {}}),
        step("POST", path="/runs/stream", json={"assistant_id": "echo", "on_disconnect": "x"}),
        step("POST", path="/runs", json={"assistant_id": "echo", "config": {"configurable": 5}}),
        step(
            "POST", path="/threads/$t/runs", json={"assistant_id": "echo", "multitask_strategy": 1}
        ),
        step("POST", path="/threads/$t/runs", json={"assistant_id": "echo", "checkpoint_id": "x"}),
        step("POST", path="/threads/$t/history", json={"limit": 0}),
        step("POST", path="/threads/$t/history", json={"before": 5}),
        step("POST", path="/threads/$t/state/checkpoint", json={}),
        step("POST", path="/runs/batch", json=[]),
        step("POST", path="/runs/cancel", json={}),
        step("GET", path="/threads/$t/runs?select=nope"),
        step("POST", path="/threads/$t"),  # 405, allowing GET
        step("PUT", path="/threads"),
        step("HEAD", path="/ok"),
        step("GET", path="/threads/not-a-uuid/stream"),
        compare={22: "status"},  # lists the allowed columns as a Python set: unordered
    ),
    scenario(
        "sdk-error-messages",
        SDK,
        step("get_thread", thread_id="$new"),  # httpx quotes "404 Not Found"
        step("get_thread", thread_id="nope"),
        step("create_thread", metadata="x"),
        step("search_threads", limit=0),
        step("get_state", thread_id="$new"),
        step("wait", thread_id="nope", assistant_id="echo", input=HI),  # 400 Bad Request
        thread(),
        step("create_thread", thread_id="$t"),  # 409 Conflict
    ),
    # --- background runs: the Run as created, join's locations ---------------------------
    scenario(
        "background-run",
        SDK,
        thread(),
        step(
            "create_run",
            thread_id="$t",
            assistant_id="echo",
            input=HI,
            context={"k": 1},
            save={"run": ("run_id",)},
        ),
        step("join", thread_id="$t", run_id="$run"),
        step("get_run", thread_id="$t", run_id="$run"),
        step(
            "create_run",
            thread_id=None,
            assistant_id="echo",
            input=HI,
            on_completion="keep",
            save={"stateless": ("thread_id",), "srun": ("run_id",)},
        ),
        step("join", thread_id="$stateless", run_id="$srun"),
        step("get_thread", thread_id="$stateless"),
    ),
    scenario(
        "raw-background-run",
        RAW,
        step("new_id", name="t"),
        step("POST", path="/threads", json={"thread_id": "$t"}),
        step(
            "POST",
            path="/threads/$t/runs",
            json={"assistant_id": "echo", "input": HI},
            save={"run": ("body", "run_id")},
        ),
        step("GET", path="/threads/$t/runs/$run/join"),
        step("GET", path="/threads/$t/runs/$run/join"),  # again, once finished
        step("GET", path="/threads/$t/runs/$new/join"),  # unknown run: 200 with its error
        step("GET", path="/threads/$t/runs/$new/stream"),
        step("POST", path="/runs", json={"assistant_id": "echo", "input": HI}),
    ),
    # --- run metadata: the caller's config.metadata reaches checkpoints ------------------
    scenario(
        "run-metadata",
        SDK,
        thread(metadata={"owner": "x"}),
        step(
            "create_run",
            thread_id="$t",
            assistant_id="echo",
            input=HI,
            metadata={"a": 1, "thread_id": "spoofed", "run_id": "spoofed"},
            config={
                "metadata": {"nested": {"deep": [1, 2]}, "assistant_id": "spoofed", "b": True},
                "configurable": {"c": 3, "langgraph_request_id": "mine", "__after_seconds__": 9},
                "tags": ["t1"],
            },
            save={"run": ("run_id",)},
        ),
        step("join", thread_id="$t", run_id="$run"),
        step("get_run", thread_id="$t", run_id="$run"),
        step("get_thread", thread_id="$t"),
        step("get_state", thread_id="$t"),
        step("get_history", thread_id="$t", limit=3),
        step("wait", thread_id="$t", assistant_id="echo", input=HI, metadata={"second": 2}),
        step("get_state", thread_id="$t"),
    ),
    scenario(
        "rg-run-metadata",
        RG,
        step("new_id", name="t"),
        step(
            "rg_invoke",
            graph="echo",
            input=HI,
            thread="$t",
            metadata={"chain": ["a", "b"], "depth": 2, "thread_id": "spoofed"},
        ),
        step("rg_get_state", graph="echo", thread="$t"),
        step("rg_get_state_history", graph="echo", thread="$t", limit=2),
    ),
]
