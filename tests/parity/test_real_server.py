"""The parity scenarios that cross the wire in earnest, with the child on a real ``langgraph dev``.

Time travel relies on the Agent Server running from a given ``checkpoint_id``
(and branching the thread), and subgraph state on its thread state and
history endpoints, so those scenarios run against the real server too. A
served parent is asked for its subgraph state through the SDK, as Studio does.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.devserver import DevServer
from remote_graphs.clients import ClientPool
from tests.parity.parents import handoff_parent, parent
from tests.parity.scenarios import SCENARIOS, handoff

SERVED = Path(__file__).parents[1] / "remote_graphs" / "served"
pytestmark = pytest.mark.real_server
CROSSING = (
    "fork_and_continue",
    "fork_async",
    "update_then_continue",
    "interrupt_and_resume",
    "subgraph_state",
    "subgraph_update_then_resume",
    "subgraph_history",
    "stream_every_mode",
    "resume_a_superseded_question",
    "stream_a_question_every_mode",
    "subgraph_state_back_in_history",
    "subgraph_history_of_a_later_turn",
)


@pytest.fixture(scope="module")
def real_children(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    with DevServer(
        SERVED / "children.json",
        cwd=tmp_path_factory.mktemp("children"),
        n_jobs=4,
        startup_timeout=90,
    ) as server:
        yield server


@pytest.mark.parametrize("name", CROSSING)
def test_remote_child_on_a_real_server_behaves_like_a_local_one(
    name: str, real_children: DevServer, pool: ClientPool
) -> None:
    scenario = SCENARIOS[name]
    seen = {
        kind: scenario(
            lambda child, node, k=kind: parent(k, child, node, url=real_children.url, pool=pool)
        )
        for kind in ("local", "remote")
    }
    assert seen["remote"] == seen["local"]


def test_the_branch_is_what_the_real_child_sees(real_children: DevServer, pool: ClientPool) -> None:
    seen = SCENARIOS["fork_and_continue"](
        lambda child, node: parent("remote", child, node, url=real_children.url, pool=pool)
    )
    assert seen["fork"][-1] == ("ai", "seen 3: x")
    assert [m for m in seen["fork"]] == [
        ("human", "a"),
        ("ai", "seen 1: a"),
        ("human", "x"),
        ("ai", "seen 3: x"),
    ]
    assert seen["original"][-1] == ("ai", "seen 5: c")


def test_a_handoff_from_a_real_child(real_children: DevServer, pool: ClientPool) -> None:
    seen = handoff(lambda: handoff_parent("remote", url=real_children.url, pool=pool))
    assert seen["handed"][-1] == ("ai", "billing saw 2 messages")


@pytest.fixture(scope="module")
def served_parent(
    real_children: DevServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    with DevServer(
        SERVED / "langgraph.json",
        cwd=tmp_path_factory.mktemp("parent"),
        n_jobs=4,
        env={"CHILD_URL": real_children.url},
        startup_timeout=90,
    ) as server:
        yield get_sync_client(url=server.url, api_key=None)


def test_a_served_parent_shows_and_edits_the_remote_childs_state(served_parent: Any) -> None:
    client = served_parent
    thread = client.threads.create()["thread_id"]
    ask = {"messages": [{"role": "user", "content": "hi"}]}
    client.runs.wait(thread, "review", input=ask)
    state = client.threads.get_state(thread, subgraphs=True)
    [task] = state["tasks"]
    sub = task["state"]
    assert sub["values"]["draft"] == "draft for hi"
    assert sub["next"] == ["review"]
    assert [i["value"] for i in sub["interrupts"]] == [
        {"question": "publish?", "draft": "draft for hi"}
    ]
    # Edit the child through the parent, with the config the snapshot gave: an answer to
    # the question shown before the edit asks again, as a local child does, with the edit.
    client.threads.update_state(thread, {"draft": "edited"}, checkpoint=sub["checkpoint"])
    command = {"resume": {i["id"]: "ok" for i in state["interrupts"]}}
    again = client.runs.wait(thread, "review", command=command)
    [asked] = again["__interrupt__"]
    assert asked["value"] == {"question": "publish?", "draft": "edited"}
    done = client.runs.wait(thread, "review", command={"resume": {asked["id"]: "ok"}})
    assert done["messages"][-1]["content"] == "edited (ok)"


def test_a_served_parent_shows_each_turns_child_state_and_forks_it(served_parent: Any) -> None:
    client = served_parent
    thread = client.threads.create()["thread_id"]
    for text in ("a", "b"):
        client.runs.wait(thread, "chat", input={"messages": [{"role": "user", "content": text}]})
    history = client.threads.get_history(thread, limit=50)
    before = next(
        s for s in history if s["next"] == ["count"] and len(s["values"]["messages"]) == 3
    )
    at = client.threads.get_state(
        thread, checkpoint_id=before["checkpoint"]["checkpoint_id"], subgraphs=True
    )
    [task] = at["tasks"]
    assert [m["content"] for m in task["state"]["values"]["messages"]][-1] == "seen 3: b"
    # A run from an earlier checkpoint continues the child from that branch.
    head = next(s for s in history if not s["next"] and len(s["values"]["messages"]) == 2)
    forked = client.runs.wait(
        thread,
        "chat",
        input={"messages": [{"role": "user", "content": "x"}]},
        checkpoint_id=head["checkpoint"]["checkpoint_id"],
    )
    assert forked["messages"][-1]["content"] == "seen 3: x"
