"""The graphs as deployed: real `langgraph dev` children, and the root graphs served over them.

The root deployment runs with the checkpointer langgraph.json names (SQLite),
which is async only: a node that reaches it through a sync call fails there
and nowhere in-process.
"""

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.types import Command
from langgraph_sdk import get_sync_client

from graphs.pipeline import builder
from graphs.requests import NO_REQUEST
from orchestrator.children import discover_children, url_variables
from orchestrator.devserver import DevServer
from remote_graphs import thread_config
from remote_graphs.persistence import async_sqlite_checkpointer

TASK = "How much electricity do wind turbines produce? What capacity factor do wind turbines reach?"
pytestmark = pytest.mark.real_server


def human(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def events(client: Any, thread: str, graph: str, **kwargs: Any) -> list[Any]:
    parts = list(client.runs.stream(thread, graph, stream_mode=["updates"], **kwargs))
    assert not [p.data for p in parts if p.event == "error"]
    return parts


def test_served_supervisor_calls_every_remote_tool(served_root: DevServer) -> None:
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    events(client, thread, "supervisor", input=human(TASK), context={"model": "scripted"})
    request = client.threads.get_state(thread)["interrupts"][0]["value"]
    assert request["question"] == "Approve this answer?" and request["draft"]
    events(client, thread, "supervisor", command={"resume": {"approved": True}})
    messages = client.threads.get_state(thread)["values"]["messages"]
    assert [m["name"] for m in messages if m["type"] == "tool"] == [
        "researcher",
        "analyst",
        "writer",
    ]
    assert messages[-1]["type"] == "ai" and messages[-1]["content"].startswith("(scripted model)")


def test_served_pipeline_asks_again_then_publishes(served_root: DevServer) -> None:
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    names = {
        p.event
        for p in events(client, thread, "pipeline", input=human(TASK), stream_subgraphs=True)
    }
    assert any(n.startswith("updates|research:") for n in names), names
    assert any(n.startswith("updates|write:") for n in names), names
    state = client.threads.get_state(thread)
    first = state["interrupts"][0]["value"]
    assert state["next"] == ["write"] and set(first) == {"question", "draft", "accepts", "examples"}
    events(client, thread, "pipeline", command={"resume": "sure"})
    again = client.threads.get_state(thread)["interrupts"][0]["value"]
    assert again == {**first, "error": again["error"]} and "'sure'" in again["error"]
    events(client, thread, "pipeline", command={"resume": {"approved": True}})
    final = client.threads.get_state(thread)["values"]["messages"][-1]
    assert final["name"] == "writer" and final["content"] == first["draft"]
    assert client.threads.get_history(thread, limit=50)[0]["next"] == []


def test_served_writer_streams_tokens_and_asks_again(real_children: dict[str, str]) -> None:
    client = get_sync_client(url=real_children["writer"], api_key=None)
    thread = client.threads.create()["thread_id"]
    parts = list(
        client.runs.stream(thread, "writer", input=human("Say hi"), stream_mode="messages-tuple")
    )
    tokens = [p.data[0]["content"] for p in parts if p.event == "messages"]
    first = client.threads.get_state(thread)["interrupts"][0]["value"]
    assert len(tokens) > 3 and "".join(tokens) == first["draft"]
    client.runs.wait(thread, "writer", command={"resume": {"approved": "yes"}})
    again = client.threads.get_state(thread)["interrupts"][0]["value"]
    assert again == {**first, "error": again["error"]}
    values = client.runs.wait(thread, "writer", command={"resume": False})
    assert values["messages"][-1]["content"] == "The draft was rejected. Feedback: -"


def test_served_analyst_runs_its_tool_loop(real_children: dict[str, str]) -> None:
    client = get_sync_client(url=real_children["analyst"], api_key=None)
    values = client.runs.wait(None, "analyst", input=human("Mean of 25 to 45 percent?"))
    assert [m["type"] for m in values["messages"]] == ["human", "ai", "tool", "ai"]
    assert "- percent: 2 figures, min 25, max 45, mean 35" in values["messages"][-1]["content"]


async def test_pipeline_in_process_on_sqlite_over_real_children(
    real_children: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, url in url_variables(discover_children(), real_children).items():
        monkeypatch.setenv(name, url)
    cfg = thread_config()
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        await graph.ainvoke({"messages": [HumanMessage(TASK)]}, cfg)
        out = await graph.ainvoke(Command(resume={"approved": True}), cfg)
        assert (
            out["messages"][-1].name == "writer" and "capacity factor" in out["messages"][-1].text
        )
        history = [s.next async for s in graph.aget_state_history(cfg)]
        assert {("plan",), ("write",), ()} <= set(history)
        await graph.ainvoke({"messages": [HumanMessage("What do solar panels produce?")]}, cfg)
        second = await graph.ainvoke(Command(resume=True), cfg)
    assert "solar" in second["messages"][-1].text.lower()
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        state = await builder.compile(checkpointer=saver).aget_state(cfg)
    assert state.values["messages"][-1].name == "writer"


@pytest.mark.parametrize("graph", ["pipeline", "supervisor"])
def test_served_approval_by_interrupt_id_after_a_wrong_plain_answer(
    served_root: DevServer, graph: str
) -> None:
    """A UI answers with the interrupt id the thread reports, after a typo sent plainly."""
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, graph, input=human("How much do wind turbines produce?"))
    client.runs.wait(thread, graph, command={"resume": "yes"})
    [asked_again] = next(iter(client.threads.get(thread)["interrupts"].values()))
    assert "got 'yes'" in asked_again["value"]["error"]
    resume = {asked_again["id"]: {"approved": False, "feedback": "Cite the sources."}}
    values = client.runs.wait(thread, graph, command={"resume": resume})
    assert client.threads.get(thread)["interrupts"] == {}
    assert values["messages"][-1]["content"].endswith("Feedback: Cite the sources.")


@pytest.mark.parametrize("graph", ["pipeline", "supervisor"])
def test_served_graph_refuses_input_without_a_request_in_one_line(
    served_root: DevServer, graph: str
) -> None:
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    parts = list(client.runs.stream(thread, graph, input={"foo": 1}))
    assert [p.data for p in parts if p.event == "error"] == [
        {"error": "ValueError", "message": NO_REQUEST}
    ]


@pytest.mark.parametrize("graph", ["pipeline", "supervisor"])
def test_served_approval_after_studio_edits_the_waiting_thread(
    served_root: DevServer, graph: str
) -> None:
    """Studio's edit makes a new checkpoint, so the writer is asked anew and takes the answer."""
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, graph, input=human("How much do wind turbines produce?"))
    client.threads.update_state(thread, human("Mention offshore turbines too."))
    assert client.threads.get_state(thread)["interrupts"] == []
    parts = list(client.runs.stream(thread, graph, command={"resume": {"approved": True}}))
    assert [p.data for p in parts if p.event == "error"] == []
    state = client.threads.get_state(thread)
    assert state["next"] == [] and state["interrupts"] == []
    assert "offshore" in state["values"]["messages"][-1]["content"]


def test_served_approval_survives_a_restart_of_the_orchestrator(served_root: DevServer) -> None:
    """Its threads are in SQLite: a thread waiting for approval resumes on the restarted server."""
    client = get_sync_client(url=served_root.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "pipeline", input=human("How much do wind turbines produce?"))
    served_root.stop()
    served_root.start()
    client = get_sync_client(url=served_root.url, api_key=None)
    [waiting] = next(iter(client.threads.get(thread)["interrupts"].values()))
    values = client.runs.wait(thread, "pipeline", command={"resume": {waiting["id"]: True}})
    assert values["messages"][-1]["content"] == waiting["value"]["draft"]
    assert client.threads.get(thread)["status"] == "idle"
