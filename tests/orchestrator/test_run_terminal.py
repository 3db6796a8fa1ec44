"""`make run` at a terminal, against the children on fake deployments.

Each test runs the real command on a pseudo-terminal: the prompt, Ctrl-C at
it, feedback on rejection, the thread id on every way out, and resuming what
a thread left pending.
"""

import signal
import sys
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage

from orchestrator.loader import graph_ids, load_graph
from orchestrator.session import Session
from remote_graphs import new_thread_id
from remote_graphs.testing import Fault

from .terminal import Terminal

TASK = "How much electricity do wind turbines produce? What is their capacity factor?"


def pending_approval(db: Path) -> str:
    """Run a thread in this process up to the writer's approval, and leave it pending there."""
    thread = new_thread_id()
    with Session(load_graph(graph_ids()[0]), db, thread) as session:
        assert session.step({"messages": [HumanMessage(TASK)]}).interrupts
    return thread


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
    thread = pending_approval(db)
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


def test_sigterm_stops_it_and_prints_the_thread(fake_children: Any, tmp_path: Path) -> None:
    with make_run(tmp_path / "t.sqlite", TASK) as terminal:
        terminal.expect("Approve? [Y/n] ")
        terminal.process.send_signal(signal.SIGTERM)
        assert terminal.wait() == 128 + signal.SIGTERM
    assert printed_thread_at_exit(terminal.output) == thread_of(terminal.output)
