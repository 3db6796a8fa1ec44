"""Scenarios covering every assistants, threads and runs method the SDK has, with their options.

Runs that must be caught mid-way (cancel, rollback, multitask strategies)
use the `slow` graph and wait, with `until`, for the run to have written its
first checkpoint, so both servers are in the same state whatever their pace.
"""

from __future__ import annotations

from .drivers import step, until
from .scenarios import HI, RAW, Scenario, scenario, stream, thread

SYNC = ("sdk-sync",)
BOTH = ("sdk-sync", "sdk-async")
SLOW = {"seconds": 4}
TAG = {"tag": "$tag"}


def running(thread_name: str) -> object:
    """Wait until the slow run on a thread has written its first checkpoint."""
    return until(step("get_state", thread_id=f"${thread_name}"), ("next",), ["wait"])


def slow_run(thread_name: str, save: str, **kw: object) -> object:
    """Start a background run of the slow graph and remember its id."""
    return step(
        "create_run",
        thread_id=f"${thread_name}",
        assistant_id="slow",
        input=SLOW,
        save={save: ("run_id",)},
        **kw,
    )


COVERAGE: list[Scenario] = [
    # --- assistants: create, read, update (versions), delete --------------------------
    scenario(
        "assistants-crud",
        BOTH,
        step("new_id", name="tag"),
        step(
            "create_assistant",
            graph_id="echo",
            config={"configurable": {"k": 1}},
            metadata=TAG,
            name="mine",
            save={"a": ("assistant_id",)},
        ),
        step("create_assistant", graph_id="echo", assistant_id="$a"),  # 409
        step("create_assistant", graph_id="echo", assistant_id="$a", if_exists="do_nothing"),
        step("create_assistant", graph_id="nope"),
        step(
            "create_assistant", graph_id="echo", config={"configurable": {"a": 1}}, context={"b": 2}
        ),
        step("create_assistant", graph_id="echo", assistant_id="x"),
        step(
            "create_assistant",
            graph_id="chatty",
            context={"b": 2},
            metadata=TAG,
            save={"b": ("assistant_id",)},
        ),
        step("get_assistant", assistant_id="$a"),
        step("update_assistant", assistant_id="$a", metadata={"more": 1}, name="renamed"),
        step("update_assistant", assistant_id="$a", context={"z": 9}),
        step("update_assistant", assistant_id="$a", graph_id="nope"),
        step("update_assistant", assistant_id="$new", name="x"),
        step("get_versions", assistant_id="$a"),
        step("get_versions", assistant_id="$a", metadata={"more": 1}),
        step("get_versions", assistant_id="$a", limit=1, offset=1),
        step("get_versions", assistant_id="$new"),
        step("set_latest", assistant_id="$a", version=1),
        step("set_latest", assistant_id="$a", version=99),
        step("search_assistants", metadata=TAG, sort_by="name"),
        step("search_assistants", name="RENAM", metadata=TAG),
        step("count_assistants", metadata=TAG),
        step("count_assistants", name="mine", metadata=TAG),
        step("search_assistants", metadata=TAG, limit=1, response_format="object"),
        step("get_schemas", assistant_id="$b"),
        thread(),
        step("wait", thread_id="$t", assistant_id="$a", input=HI),
        step("list_runs", thread_id="$t"),
        step("get_thread", thread_id="$t"),
        step("delete_assistant", assistant_id="$a", delete_threads=True),
        step("get_thread", thread_id="$t"),
        step("get_assistant", assistant_id="$a"),
        step("delete_assistant", assistant_id="$a"),
        step("delete_assistant", assistant_id="$b"),
        exclusive=True,
    ),
    # --- threads: update, copy, prune, delete, supersteps --------------------------------
    scenario(
        "threads-crud",
        BOTH,
        step("new_id", name="tag"),
        thread("a", metadata={"tag": "$tag", "n": 1}),
        thread("b", metadata={"tag": "$tag", "n": 2}),
        step("wait", thread_id="$b", assistant_id="echo", input=HI),
        step("update_thread", thread_id="$a", metadata={"more": True}),
        step("update_thread", thread_id="$new", metadata={"more": True}),
        step("copy_thread", thread_id="$b", save={"c": ("thread_id",)}),
        step("get_thread", thread_id="$c"),
        step("get_state", thread_id="$c"),
        step("get_history", thread_id="$c", limit=5),
        step("wait", thread_id="$c", assistant_id="echo", input=HI),
        step("get_state", thread_id="$b"),  # the original is untouched
        step("copy_thread", thread_id="$new"),
        step("prune_threads", thread_ids=["$a", "$new"]),
        step("prune_threads", thread_ids=["$b"], strategy="keep_latest"),
        step("prune_threads", thread_ids=["nope"]),
        step("prune_threads", thread_ids=[]),
        step("get_thread", thread_id="$a"),
        step("delete_thread", thread_id="$b"),
        step("get_thread", thread_id="$b"),
        step("delete_thread", thread_id="$b"),
        step("count_threads", metadata=TAG),
        thread("d", metadata={"graph_id": "echo"}, if_exists="do_nothing"),
        step(
            "create_thread",
            metadata={"graph_id": "echo"},
            supersteps=[{"updates": [{"values": HI, "as_node": "reply"}]}],
            save={"e": ("thread_id",)},
        ),
        step("get_state", thread_id="$e"),
        step("get_history", thread_id="$e", limit=3),
        step("create_thread", supersteps=[{"updates": [{"values": HI, "as_node": "reply"}]}]),
    ),
    scenario(
        "threads-search-values",
        SYNC,
        step("new_id", name="tag"),
        thread("a", metadata=TAG),
        thread("b", metadata=TAG),
        step("wait", thread_id="$b", assistant_id="asker", input={"question": "q?"}),
        step("search_threads", metadata=TAG, values={"question": "q?"}, select=["thread_id"]),
        real_bug=(
            "langgraph-runtime-inmem answers 500 (TypeError: argument of type 'NoneType' is not "
            "iterable) to a values filter once any thread has no values yet; the fake filters."
        ),
    ),
    scenario(
        "raw-threads-crud",
        RAW,
        step("new_id", name="t"),
        step("POST", path="/threads", json={"thread_id": "$t", "metadata": {"a": 1}}),
        step("PATCH", path="/threads/$t", json={"metadata": {"b": 2}}),
        step(
            "PATCH",
            path="/threads/$t",
            json={"metadata": {"c": 3}},
            headers={"Prefer": "return=minimal"},
        ),
        step("PATCH", path="/threads/$t", json={"metadata": "x"}),
        step("POST", path="/threads/$t/copy"),
        step("POST", path="/threads/nope/copy"),
        step("DELETE", path="/threads/$t"),
        step("DELETE", path="/threads/$t"),
        step("POST", path="/threads/prune", json={"thread_ids": "x"}),
    ),
    # --- state: update at a checkpoint (a fork), read it back ---------------------------
    scenario(
        "state-fork",
        BOTH,
        thread(),
        step("wait", thread_id="$t", assistant_id="echo", input=HI),
        step("get_history", thread_id="$t", limit=10, save={"first": (-1, "checkpoint")}),
        step(
            "update_state",
            thread_id="$t",
            values={"log": ["forked"]},
            as_node="reply",
            checkpoint="$first",
        ),
        step("get_state", thread_id="$t"),
        step("get_history", thread_id="$t", limit=10),
        step("get_state", thread_id="$t", checkpoint="$first"),
        step("get_state", thread_id="$t", checkpoint="$first", subgraphs=True),
    ),
    # --- runs in the background: create, join, list, get, join_stream, batch, delete ----
    scenario(
        "runs-background",
        BOTH,
        thread(),
        step(
            "create_run",
            thread_id="$t",
            assistant_id="echo",
            input=HI,
            metadata={"m": 1},
            save={"r1": ("run_id",)},
        ),
        step("join", thread_id="$t", run_id="$r1"),
        step("get_run", thread_id="$t", run_id="$r1"),
        step("join_stream", thread_id="$t", run_id="$r1"),  # finished, not resumable: nothing
        step(
            "create_run",
            thread_id="$t",
            assistant_id="echo",
            input=HI,
            stream_mode=["values", "updates"],
            stream_resumable=True,
            save={"r2": ("run_id",)},
        ),
        step("join_stream", thread_id="$t", run_id="$r2", last_event_id="0"),
        step("join_stream", thread_id="$t", run_id="$r2", last_event_id="0", stream_mode="updates"),
        step("join", thread_id="$t", run_id="$r2"),
        step("list_runs", thread_id="$t"),
        step("list_runs", thread_id="$t", limit=1, offset=1),
        step("list_runs", thread_id="$t", status="success", select=["run_id", "status"]),
        step("list_runs", thread_id="$t", status="pending"),
        step("list_runs", thread_id="$new"),
        step(
            "create_batch",
            payloads=[
                {"assistant_id": "echo", "input": HI, "on_completion": "keep"},
                {"assistant_id": "asker", "input": {"question": "b"}, "on_completion": "keep"},
            ],
            save={
                "b1": (0, "thread_id"),
                "r3": (0, "run_id"),
                "b2": (1, "thread_id"),
                "r4": (1, "run_id"),
            },
        ),
        step("join", thread_id="$b1", run_id="$r3"),
        # A join that starts after the run ended answers from the thread record (the
        # interrupt without its schema), not from the run's events: wait until it has.
        until(step("get_run", thread_id="$b2", run_id="$r4"), ("status",), "success"),
        step("join", thread_id="$b2", run_id="$r4"),
        step("get_thread", thread_id="$b2"),
        step("create_batch", payloads=[]),
        step("delete_run", thread_id="$t", run_id="$r1"),
        step("get_run", thread_id="$t", run_id="$r1"),
        step("delete_run", thread_id="$t", run_id="$r1"),
        step("list_runs", thread_id="$t", select=["status"]),
        step("get_history", thread_id="$t", limit=10),  # the deleted run's checkpoints are gone
    ),
    # --- cancelling: interrupt, rollback, many, pending ---------------------------------
    scenario(
        "runs-cancel",
        SYNC,
        thread("a"),
        slow_run("a", "r1"),
        running("a"),
        step("cancel_run", thread_id="$a", run_id="$r1", wait=True),
        step("get_run", thread_id="$a", run_id="$r1"),
        step("get_thread", thread_id="$a"),
        step("cancel_run", thread_id="$a", run_id="$r1"),  # already over
        step("cancel_run", thread_id="$a", run_id="$new"),
        thread("b"),
        slow_run("b", "r2"),
        running("b"),
        step("cancel_run", thread_id="$b", run_id="$r2", wait=True, action="rollback"),
        step("get_run", thread_id="$b", run_id="$r2"),  # a rolled-back run is deleted
        step("get_thread", thread_id="$b"),
        step("get_history", thread_id="$b"),
        thread("c"),
        slow_run("c", "r3"),
        slow_run("c", "r4"),
        running("c"),
        step("cancel_many", thread_id="$c", run_ids=["$r3", "$r4"]),
        step("join", thread_id="$c", run_id="$r3"),
        step("join", thread_id="$c", run_id="$r4"),
        step("get_run", thread_id="$c", run_id="$r3"),
        step("get_run", thread_id="$c", run_id="$r4"),
        step("get_thread", thread_id="$c"),
        step("cancel_many", thread_id="$c", run_ids=["$new"]),
        step("cancel_many", thread_id="$c", run_ids=["$r3"]),
    ),
    scenario(
        "runs-cancel-pending-by-status",
        SYNC,
        thread("a"),
        slow_run("a", "r1"),
        running("a"),
        slow_run("a", "r2"),
        step("cancel_many", status="pending"),
        step("get_run", thread_id="$a", run_id="$r2"),
        step("get_run", thread_id="$a", run_id="$r1"),
        step("cancel_many", status="all", thread_id="$a", run_ids=["$r1"]),
        step("cancel_run", thread_id="$a", run_id="$r1", wait=True),
        step("get_thread", thread_id="$a"),
        step("cancel_many", status="all"),  # nothing is left to cancel
        exclusive=True,  # cancels every pending run of the deployment
    ),
    scenario(
        "runs-cancel-running-by-status",
        SYNC,
        thread("a"),
        slow_run("a", "r1"),
        running("a"),
        step("cancel_many", status="running"),
        step("join", thread_id="$a", run_id="$r1"),
        step("get_thread", thread_id="$a"),
        exclusive=True,  # cancels every running run of the deployment
        real_bug=(
            "langgraph-runtime-inmem sends the cancel of POST /runs/cancel {status} without the "
            "run's thread, so the worker never hears it: the run is marked interrupted but keeps "
            "running, and its thread is left as it was. The fake interrupts it."
        ),
    ),
    # --- multitask strategies on a busy thread ----------------------------------------
    scenario(
        "multitask",
        SYNC,
        thread("a"),
        slow_run("a", "r1"),
        running("a"),
        step(
            "create_run", thread_id="$a", assistant_id="echo", input=HI, multitask_strategy="reject"
        ),
        step(
            "create_run",
            thread_id="$a",
            assistant_id="echo",
            input=HI,
            multitask_strategy="interrupt",
            save={"r2": ("run_id",)},
        ),
        step("join", thread_id="$a", run_id="$r2"),
        step("get_run", thread_id="$a", run_id="$r1"),
        step("list_runs", thread_id="$a", select=["status", "multitask_strategy"]),
        thread("b"),
        slow_run("b", "r3"),
        running("b"),
        step(
            "wait",
            thread_id="$b",
            assistant_id="echo",
            input=HI,
            multitask_strategy="rollback",
        ),
        step("get_run", thread_id="$b", run_id="$r3"),
        step("list_runs", thread_id="$b", select=["status"]),
        step("get_history", thread_id="$b", limit=10),
    ),
    # --- run options ----------------------------------------------------------------------
    scenario(
        "run-options",
        BOTH,
        thread(),
        stream("$t", "echo", input=HI, stream_mode="updates", interrupt_after=["reply"]),
        step("get_state", thread_id="$t"),
        stream("$t", "echo", input=None, stream_mode="updates"),  # continue after it
        step("get_history", thread_id="$t", limit=10, save={"cp": (-1, "checkpoint_id")}),
        stream("$t", "echo", input=HI, checkpoint_id="$cp", stream_mode="values"),
        stream("$t", "echo", input=HI, checkpoint={"checkpoint_id": "$cp"}, stream_mode="values"),
        thread("u"),
        step("wait", thread_id="$u", assistant_id="echo", input=HI, durability="exit"),
        step("get_history", thread_id="$u", limit=10),
        step("wait", thread_id=None, assistant_id="echo", input=HI, after_seconds=1),
        stream(None, "chatty", input=HI, stream_mode=["events", "values"]),
        stream(None, "nested", input={"steps": []}, stream_mode=["events"], stream_subgraphs=True),
    ),
    # --- a thread's stream of all its runs ------------------------------------------------
    scenario(
        "thread-stream",
        BOTH,
        thread(),
        step(
            "create_run",
            thread_id="$t",
            assistant_id="echo",
            input=HI,
            stream_mode=["values", "updates"],
            stream_resumable=True,
            save={"run": ("run_id",)},
        ),
        step("join", thread_id="$t", run_id="$run"),
        step("join_thread_stream", thread_id="$t", last_event_id="0", runs=1),
    ),
    scenario(
        "raw-thread-stream",
        RAW,
        step("new_id", name="t"),
        step("GET", path="/threads/$t/stream", headers={"Last-Event-ID": "nope"}),
        step("GET", path="/threads/$t/stream?stream_modes=nope"),
    ),
]
