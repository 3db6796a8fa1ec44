"""Each answer to a remote interrupt reaches the remote, however the caller resumes.

A remote that asks again (an answer it cannot read) keeps the parent's task
waiting, so the parent's checkpoint collects every resume of that task. A plain
``Command(resume=...)`` is saved as a thread-wide answer that langgraph leaves
in place after the task used it; a later resume by interrupt id, as a UI sends
it, must not be shadowed by that earlier plain answer.
"""

from collections.abc import Iterator
from typing import Any, TypedDict

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt
from langgraph_sdk import get_sync_client

from remote_graphs import remote_node, thread_config
from remote_graphs.registry import parse_remote
from remote_graphs.request import TASK_METADATA
from remote_graphs.testing import FakeAgentServer


class ApprovalState(TypedDict, total=False):
    approved: bool
    error: str


def ask(state: ApprovalState) -> dict[str, Any]:
    """Ask for a boolean; anything else asks again, saying what was wrong."""
    error = {"error": state["error"]} if state.get("error") else {}
    answer = interrupt({"question": "approve?", **error})
    if isinstance(answer, bool):
        return {"approved": answer, "error": ""}
    return {"error": f"expected true or false, got {answer!r}"}


def again(state: ApprovalState) -> str:
    return "ask" if state.get("error") else END


approver = (
    StateGraph(ApprovalState)
    .add_node(ask)
    .add_edge(START, "ask")
    .add_conditional_edges("ask", again, ["ask", END])
    .compile(name="approver")
)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAgentServer]:
    with FakeAgentServer({"approver": approver}) as fake:
        yield fake


def approving_parent(server: FakeAgentServer, pool: Any, thread: Any = "per_parent") -> Any:
    spec = parse_remote({"name": "approver", "url": server.url, "graph_id": "approver"})
    node = remote_node(spec, pool=pool, thread=thread, input=lambda s: {}, output=lambda v: v)
    builder = StateGraph(ApprovalState).add_node(node).add_edge(START, "approver")
    return builder.compile(checkpointer=InMemorySaver())


@pytest.fixture
def parent(server: FakeAgentServer, pool: Any) -> Any:
    return approving_parent(server, pool)


@pytest.fixture
def per_task(server: FakeAgentServer, pool: Any) -> Any:
    """A parent whose task has a remote thread of its own, as a node's first call does."""
    return approving_parent(server, pool, thread="per_task")


def pending(graph: Any, cfg: Any) -> list[Any]:
    return list(graph.get_state(cfg).interrupts)


def test_an_answer_by_id_after_a_plain_wrong_answer_reaches_the_remote(parent: Any) -> None:
    cfg = thread_config()
    parent.invoke({}, cfg)
    parent.invoke(Command(resume="yes"), cfg)
    [asked_again] = pending(parent, cfg)
    assert asked_again.value["error"] == "expected true or false, got 'yes'"
    out = parent.invoke(Command(resume={asked_again.id: True}), cfg)
    assert out == {"approved": True, "error": ""}
    assert pending(parent, cfg) == []


def test_a_wrong_answer_by_id_after_a_plain_one_is_the_one_reported(parent: Any) -> None:
    cfg = thread_config()
    parent.invoke({}, cfg)
    parent.invoke(Command(resume="yes"), cfg)
    [first] = pending(parent, cfg)
    parent.invoke(Command(resume={first.id: "sure"}), cfg)
    [second] = pending(parent, cfg)
    assert second.value["error"] == "expected true or false, got 'sure'"
    assert parent.invoke(Command(resume=False), cfg) == {"approved": False, "error": ""}


async def test_the_async_driver_forwards_the_answer_by_id_too(parent: Any) -> None:
    cfg = thread_config()
    await parent.ainvoke({}, cfg)
    await parent.ainvoke(Command(resume="yes"), cfg)
    [asked_again] = (await parent.aget_state(cfg)).interrupts
    out = await parent.ainvoke(Command(resume={asked_again.id: True}), cfg)
    assert out == {"approved": True, "error": ""}


def test_an_answer_after_the_parent_state_was_edited_reaches_a_new_remote_run(
    per_task: Any,
) -> None:
    """Studio edits the waiting parent, then resumes: the task is new, so is its remote thread.

    Like a local subgraph, which starts over in the new task's namespace, the
    remote runs from the start and its interrupt takes the answer, instead of a
    resume sent to a remote thread that has nothing waiting.
    """
    cfg = thread_config()
    per_task.invoke({}, cfg)
    per_task.update_state(cfg, {"error": ""})
    assert per_task.get_state(cfg).interrupts == ()
    assert per_task.invoke(Command(resume=True), cfg) == {"approved": True, "error": ""}


async def test_the_async_driver_answers_after_an_edit_too(per_task: Any) -> None:
    cfg = thread_config()
    await per_task.ainvoke({}, cfg)
    await per_task.aupdate_state(cfg, {"error": ""})
    assert await per_task.ainvoke(Command(resume=False), cfg) == {"approved": False, "error": ""}


def test_a_resume_that_landed_before_the_parent_saved_it_is_not_run_again(
    per_task: Any, server: FakeAgentServer
) -> None:
    """The parent died after the remote took the answer: resuming reuses that run (exactly once)."""
    cfg = thread_config()
    before = {r.thread_id for r in server.runs}
    per_task.invoke({}, cfg)
    [first] = [r for r in server.runs if r.thread_id not in before]
    client = get_sync_client(url=server.url, api_key=None)
    [asked] = client.runs.list(first.thread_id)
    key = asked["metadata"][TASK_METADATA].removesuffix("#0")
    client.runs.wait(
        first.thread_id,
        "approver",
        command={"resume": True},
        metadata={TASK_METADATA: f"{key}#1"},
        multitask_strategy="reject",
    )
    assert per_task.invoke(Command(resume=True), cfg) == {"approved": True, "error": ""}
    assert len(server.runs_on(first.thread_id)) == 2
