"""A served parent stopped at a remote interrupt reports only interrupts that resume it.

With ``stream_subgraphs=True`` the parent relays the child's events under its
node's namespace. The Agent Server takes every debug checkpoint a run streams
as the thread's own, so relayed child checkpoints made ``threads.get`` report
the child's interrupt ids and values, and a UI resuming with those ids left the
parent asking again.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.devserver import DevServer
from remote_graphs.testing import FakeAgentServer

SERVED = Path(__file__).parent / "served"
pytestmark = pytest.mark.real_server


@pytest.fixture(scope="module")
def parent(children: FakeAgentServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with DevServer(
        SERVED / "langgraph.json",
        cwd=tmp_path_factory.mktemp("served-parent"),
        n_jobs=4,
        env={"CHILD_URL": children.url},
        startup_timeout=90,
    ) as server:
        yield get_sync_client(url=server.url, api_key=None)


MODES = {"values": ["values"], "updates+debug+messages": ["updates", "debug", "messages-tuple"]}


@pytest.mark.parametrize("subgraphs", [False, True], ids=["flat", "subgraphs"])
@pytest.mark.parametrize("modes", MODES.values(), ids=MODES.keys())
def test_thread_interrupts_are_the_parents_and_resume_it(
    parent: Any, subgraphs: bool, modes: list[str]
) -> None:
    thread = parent.threads.create()["thread_id"]
    ask = {"messages": [{"role": "user", "content": "hi"}]}
    for _ in parent.runs.stream(
        thread, "review", input=ask, stream_mode=modes, stream_subgraphs=subgraphs
    ):
        pass
    shown = parent.threads.get(thread)
    state = parent.threads.get_state(thread)
    assert state["next"] == ["review"]
    assert list(shown["interrupts"]) == [state["tasks"][0]["id"]]
    [pending] = shown["interrupts"].values()
    assert [i["id"] for i in pending] == [i["id"] for i in state["interrupts"]]
    assert pending[0]["value"] == {"question": "publish?", "draft": "draft for hi"}
    assert shown["values"] == state["values"], "the thread shows the parent's values"

    # Resume the way a UI that reads the thread does: by the interrupt's id.
    command = {"resume": {pending[0]["id"]: "ok"}}
    for _ in parent.runs.stream(
        thread, "review", command=command, stream_mode=modes, stream_subgraphs=subgraphs
    ):
        pass
    done = parent.threads.get_state(thread)
    assert done["next"] == []
    assert done["values"]["messages"][-1]["content"] == "draft for hi (ok)"
    assert parent.threads.get(thread)["interrupts"] == {}
