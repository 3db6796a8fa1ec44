"""`make run` in this process against the children on fake deployments: what it prints and does."""

import io
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from orchestrator import run
from orchestrator.loader import ROOT, graph_ids, load_graph
from orchestrator.progress import Progress
from orchestrator.session import Session
from remote_graphs import new_thread_id
from remote_graphs.testing import Fault

TASK = "How much electricity do wind turbines produce? What is their capacity factor?"


def pending_approval(db: Path) -> str:
    thread = new_thread_id()
    with Session(load_graph(graph_ids()[0]), db, thread, progress=Progress(io.StringIO())) as s:
        assert s.step({"messages": [HumanMessage(TASK)]}).interrupts
    return thread


def thread_at_exit(output: str) -> str:
    return output.rsplit("\nthread: ", 1)[1].split()[0]


def test_a_new_task_on_a_thread_with_pending_work_is_refused(
    fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "t.sqlite"
    thread = pending_approval(db)
    before = sum(len(server.runs) for server in fake_children.values())
    assert run.main(["And solar?", "--thread", thread, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert f"error: thread {thread} has a pending approval; finish it first" in err
    assert sum(len(server.runs) for server in fake_children.values()) == before


def test_a_finished_thread_without_a_task_is_refused(
    fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "t.sqlite"
    assert run.main([TASK, "--approve", "--db", str(db)]) == 0
    thread = thread_at_exit(capsys.readouterr().out)
    assert run.main(["--thread", thread, "--db", str(db)]) == 2
    assert f"thread {thread} has nothing pending" in capsys.readouterr().err


def test_the_thread_is_printed_when_the_run_fails(
    fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_children["writer"].inject(
        Fault.status(400, {"detail": "the writer refuses"}), method="POST", path="/threads/*/runs/*"
    )
    try:
        with pytest.raises(Exception, match="the writer refuses"):
            run.main([TASK, "--approve", "--db", str(tmp_path / "t.sqlite")])
    finally:
        fake_children["writer"].clear_faults()
    out = capsys.readouterr().out
    assert thread_at_exit(out) == out.split("thread: ", 1)[1].split()[0]


@pytest.mark.parametrize("graph", graph_ids())
def test_every_served_graph_runs(
    graph: str, fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run.main([TASK, "--graph", graph, "--approve", "--db", str(tmp_path / "t.sqlite")]) == 0
    assert "== answer" in capsys.readouterr().out


@pytest.mark.skipif("supervisor" not in graph_ids(), reason="langgraph.json serves no supervisor")
def test_the_supervisor_shows_the_remote_tools_it_calls(
    fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [TASK, "--graph", "supervisor", "--approve", "--db", str(tmp_path / "t.sqlite")]
    assert run.main(argv) == 0
    out = capsys.readouterr().out
    assert "-> tool researcher (remote) called" in out
    assert "<- tool researcher (remote) answered" in out


def test_the_remote_nodes_are_named_from_the_graph(
    fake_children: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run.main([TASK, "--approve", "--db", str(tmp_path / "t.sqlite")]) == 0
    out = capsys.readouterr().out
    assert "(remote researcher) started" in out and "(remote writer) done" in out


def test_env_file_settings_are_honoured(
    fake_children: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    remotes = tmp_path / "remotes.toml"
    remotes.write_text(
        (ROOT / "remotes.toml").read_text().replace("description =", "descripton =", 1)
    )
    env_file = tmp_path / ".env"
    env_file.write_text(f"REMOTE_GRAPHS_CONFIG={remotes}\n")
    monkeypatch.setenv("ORCHESTRATOR_ENV_FILE", str(env_file))
    monkeypatch.setenv("REMOTE_GRAPHS_CONFIG", "")  # recorded, so the file's value is undone
    monkeypatch.delenv("REMOTE_GRAPHS_CONFIG")
    assert run.main([TASK, "--db", str(tmp_path / "t.sqlite")]) == 2
    assert "did you mean description" in capsys.readouterr().err
