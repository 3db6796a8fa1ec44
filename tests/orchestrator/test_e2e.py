"""End to end on real `langgraph dev` servers: the children, and the orchestrator itself."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.types import Command
from langgraph_sdk import get_sync_client

from graphs.orchestrator import builder
from orchestrator import run
from orchestrator.children import discover_children, url_variables
from orchestrator.devserver import DevServer
from remote_graphs import thread_config
from remote_graphs.persistence import sqlite_checkpointer

ROOT = Path(__file__).resolve().parents[2]
TASK = (
    "How much electricity do wind turbines produce? What is the average of their capacity factors?"
)
pytestmark = pytest.mark.real_server


@pytest.fixture
def children_env(real_children: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, url in url_variables(discover_children(), real_children).items():
        monkeypatch.setenv(name, url)
    return real_children


def test_in_process_run_with_sqlite(children_env: Any, tmp_path: Path) -> None:
    cfg = thread_config()
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        parts = list(
            graph.stream(
                {"messages": [HumanMessage(TASK)]}, cfg, stream_mode="updates", subgraphs=True
            )
        )
        assert {ns[0].split(":")[0] for ns, _ in parts if ns} >= {"research", "analyze", "write"}
        assert graph.get_state(cfg).next == ("write",)
        out = graph.invoke(Command(resume={"approved": True}), cfg)
        assert out["messages"][-1].name == "writer"
        assert "capacity factor" in out["messages"][-1].text
        history = list(graph.get_state_history(cfg))
        assert {s.next for s in history} >= {("plan",), ("write",), ()}
        graph.update_state(cfg, {"messages": [HumanMessage("Keep it short.", id="operator-note")]})
        assert graph.get_state(cfg).values["messages"][-1].text == "Keep it short."
        graph.invoke(
            {"messages": [HumanMessage("And solar panels? How much do they produce?")]}, cfg
        )
        second = graph.invoke(Command(resume=True), cfg)
    humans = [m.text for m in second["messages"] if isinstance(m, HumanMessage)]
    assert humans == [TASK, "Keep it short.", "And solar panels? How much do they produce?"]
    assert "solar" in second["messages"][-1].text.lower()
    with sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:  # a new process would see the same
        assert (
            builder.compile(checkpointer=saver).get_state(cfg).values["messages"][-1].name
            == "writer"
        )


def test_make_run_command(
    children_env: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = run.main(["--approve", "--db", str(tmp_path / "run.sqlite")])
    out = capsys.readouterr().out
    assert code == 0
    assert "-> research (remote researcher) started" in out
    assert "write is writing:" in out and "== approval requested" in out
    assert "== answer" in out and "capacity factor" in out.split("== answer", 1)[1]
    thread = out.split("thread: ", 1)[1].split()[0]
    code = run.main(
        ["And solar panels?", "--reject", "--thread", thread, "--db", str(tmp_path / "run.sqlite")]
    )
    assert code == 0 and "rejected" in capsys.readouterr().out.split("== answer", 1)[1].lower()


def test_run_refuses_a_bad_thread_before_starting_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        run.main(["--thread", "not-a-uuid"])
    assert "--thread must be a UUID" in capsys.readouterr().err


@pytest.fixture(scope="module")
def served(
    real_children: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DevServer]:
    workdir = tmp_path_factory.mktemp("served-e2e")
    env = url_variables(discover_children(), real_children)
    with DevServer(
        ROOT / "langgraph.json", cwd=workdir, n_jobs=4, env=env, startup_timeout=90
    ) as server:
        yield server


def test_served_orchestrator_full_run(served: DevServer) -> None:
    client = get_sync_client(url=served.url, api_key=None)
    thread = client.threads.create()["thread_id"]
    events = list(
        client.runs.stream(
            thread,
            "orchestrator",
            input={"messages": [{"role": "user", "content": TASK}]},
            stream_mode=["updates"],
            stream_subgraphs=True,
        )
    )
    names = {e.event for e in events}
    assert any(n.startswith("updates|research:") for n in names), names
    assert any(n.startswith("updates|write:") for n in names), names
    state = client.threads.get_state(thread)
    assert state["next"] == ["write"] and state["interrupts"][0]["value"]["draft"]
    client.runs.wait(thread, "orchestrator", command={"resume": {"approved": True}})
    final = client.threads.get_state(thread)["values"]["messages"][-1]
    assert final["name"] == "writer" and "capacity factor" in final["content"]
    history = client.threads.get_history(thread, limit=50)
    assert len(history) >= 6 and history[0]["next"] == []
