"""`make run` at a terminal, against the children on fake deployments.

Each test runs the real command on a pseudo-terminal: the prompt, Ctrl-C at
it, feedback on rejection, the thread id on every way out, and resuming what
a thread left pending.
"""

import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from orchestrator.loader import graph_ids
from remote_graphs.testing import Fault

from .terminal import ROOT, Terminal

TASK = "How much electricity do wind turbines produce? What is their capacity factor?"


def make_run(db: Path, *args: str, env: dict[str, str] | None = None) -> Terminal:
    return Terminal([sys.executable, "-m", "orchestrator.run", "--db", str(db), *args], env=env)


def thread_of(output: str) -> str:
    return output.split("thread: ", 1)[1].split()[0]


def printed_thread_at_exit(output: str) -> str:
    return output.rsplit("\nthread: ", 1)[1].split()[0]


def test_ctrl_c_at_the_prompt_stops_at_once(fake_children: Any, tmp_path: Path) -> None:
    with make_run(tmp_path / "t.sqlite", TASK) as terminal:
        terminal.expect("Approve? [Y/n] ")
        terminal.ctrl_c()
        code = terminal.wait()
    assert code == 128 + signal.SIGINT
    assert printed_thread_at_exit(terminal.output) == thread_of(terminal.output)
    assert "interrupted; the child servers were stopped" in terminal.output


def test_rejecting_asks_for_feedback_and_sends_it(fake_children: Any, tmp_path: Path) -> None:
    before = len(fake_children["writer"].runs)
    with make_run(tmp_path / "t.sqlite", TASK) as terminal:
        terminal.expect("Approve? [Y/n] ")
        terminal.type("n\n")
        terminal.expect("What should change? (Enter to skip) ")
        terminal.type("Cite the sources.\n")
        terminal.expect("== answer")
        code = terminal.wait()
    assert code == 0
    resumes = [r.command for r in fake_children["writer"].runs[before:] if r.command]
    assert resumes and resumes[0]["resume"] == {"approved": False, "feedback": "Cite the sources."}
    assert printed_thread_at_exit(terminal.output) == thread_of(terminal.output)


def test_a_pending_approval_is_resumed_with_thread_alone(
    fake_children: Any, tmp_path: Path
) -> None:
    db = tmp_path / "t.sqlite"
    with make_run(db, TASK) as first:
        first.expect("Approve? [Y/n] ")
        first.ctrl_c()
        first.wait()
    thread = thread_of(first.output)
    writer_runs = len(fake_children["writer"].runs)
    with make_run(db, "--thread", thread) as second:
        second.expect("resuming the pending approval")
        second.expect("Approve? [Y/n] ")
        second.type("y\n")
        assert second.wait() == 0
    assert "== answer" in second.output
    assert "-> research" not in second.output  # nothing before the approval ran again
    resumed = fake_children["writer"].runs[writer_runs:]
    assert [r.command["resume"] for r in resumed if r.command] == [{"approved": True}]


def test_a_pending_step_is_resumed_with_thread_alone(fake_children: Any, tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    fake_children["analyst"].inject(Fault.latency(30), method="POST", path="/threads/*/runs/stream")
    try:
        with make_run(db, TASK, "--approve") as first:
            first.expect("-> analyze")
            first.ctrl_c()
            assert first.wait() == 128 + signal.SIGINT
    finally:
        fake_children["analyst"].clear_faults()
    thread = thread_of(first.output)
    with make_run(db, "--thread", thread, "--approve") as second:
        second.expect("resuming the pending step (analyze)")
        assert second.wait() == 0
    assert "-> analyze" in second.output and "== answer" in second.output
    assert "-> research" not in second.output
    assert printed_thread_at_exit(second.output) == thread


def test_a_new_task_on_a_thread_with_pending_work_is_refused(
    fake_children: Any, tmp_path: Path
) -> None:
    db = tmp_path / "t.sqlite"
    with make_run(db, TASK) as first:
        first.expect("Approve? [Y/n] ")
        first.ctrl_c()
        first.wait()
    thread = thread_of(first.output)
    with make_run(db, "And solar?", "--thread", thread) as second:
        assert second.wait() == 2
    assert f"error: thread {thread} has a pending approval; finish it first" in second.output


def test_the_thread_is_printed_when_the_run_fails(fake_children: Any, tmp_path: Path) -> None:
    fake_children["writer"].inject(
        Fault.status(400, {"detail": "the writer refuses"}), method="POST", path="/threads/*/runs/*"
    )
    try:
        with make_run(tmp_path / "t.sqlite", TASK, "--approve") as terminal:
            code = terminal.wait()
    finally:
        fake_children["writer"].clear_faults()
    assert code != 0
    assert "the writer refuses" in terminal.output
    assert printed_thread_at_exit(terminal.output) == thread_of(terminal.output)


def test_sigterm_stops_it_and_prints_the_thread(fake_children: Any, tmp_path: Path) -> None:
    with make_run(tmp_path / "t.sqlite", TASK) as terminal:
        terminal.expect("Approve? [Y/n] ")
        terminal.process.send_signal(signal.SIGTERM)
        assert terminal.wait() == 128 + signal.SIGTERM
    assert printed_thread_at_exit(terminal.output) == thread_of(terminal.output)


@pytest.mark.parametrize("graph", graph_ids())
def test_every_served_graph_runs(graph: str, fake_children: Any, tmp_path: Path) -> None:
    with make_run(tmp_path / "t.sqlite", TASK, "--graph", graph, "--approve") as terminal:
        assert terminal.wait() == 0, terminal.output
    assert "== answer" in terminal.output


@pytest.mark.skipif("supervisor" not in graph_ids(), reason="langgraph.json serves no supervisor")
def test_the_supervisor_shows_the_remote_tools_it_calls(fake_children: Any, tmp_path: Path) -> None:
    with make_run(tmp_path / "t.sqlite", TASK, "--graph", "supervisor", "--approve") as terminal:
        assert terminal.wait() == 0, terminal.output
    assert "-> tool researcher (remote) called" in terminal.output
    assert "<- tool researcher (remote) answered" in terminal.output


def test_env_file_settings_are_honoured(fake_children: Any, tmp_path: Path) -> None:
    remotes = tmp_path / "remotes.toml"
    remotes.write_text(
        (ROOT / "remotes.toml").read_text().replace("description =", "descripton =", 1)
    )
    env_file = tmp_path / ".env"
    env_file.write_text(f"REMOTE_GRAPHS_CONFIG={remotes}\n")
    with make_run(tmp_path / "t.sqlite", TASK, env={"ORCHESTRATOR_ENV_FILE": str(env_file)}) as t:
        assert t.wait() == 2
    assert "error: " in t.output and "did you mean description" in t.output
