"""`make dev` as a person runs it: `make check` beside it, and every way of stopping it.

Each test starts the real `make dev` (make, uv, the command and real
`langgraph dev` servers) in its own process group, the way a shell starts a
job, with its state in a temporary folder.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.children import discover_children
from orchestrator.loader import graph_ids
from orchestrator.running_dev import find_running_dev

from .dev_process import ROOT, dev_env, kill_leftovers, make_dev, wait_published, wait_until_gone

pytestmark = pytest.mark.real_server


def test_make_check_during_make_dev_says_ok_for_every_remote(tmp_path: Path) -> None:
    with make_dev(tmp_path):
        check = subprocess.run(
            ["make", "--no-print-directory", "check"],
            cwd=ROOT,
            env=dev_env(tmp_path),
            capture_output=True,
            text=True,
        )
    lines = [line for line in check.stdout.splitlines() if "-m orchestrator.check" not in line]
    assert check.returncode == 0, check.stdout + check.stderr
    assert lines[0].startswith("make dev is running")
    remotes = lines[1:]
    assert len(remotes) >= len(discover_children()) and all(
        line.startswith("ok ") for line in remotes
    ), remotes


def _signal(process: subprocess.Popen[bytes], pid: int, how: str) -> None:
    """Stop `make dev` one way: `group` is the whole job, as a terminal or `kill -- -pgid` does."""
    signals = {"ctrl-c": signal.SIGINT, "ctrl-backslash": signal.SIGQUIT, "sigterm": signal.SIGTERM}
    sig = signals[how.split()[0]]
    for _ in range(2 if how.endswith("twice") else 1):
        if "process" in how:
            os.kill(pid, sig)
        else:
            os.killpg(process.pid, sig)
        time.sleep(0.05)


@pytest.mark.parametrize(
    "how",
    [
        "ctrl-c to the group",
        "ctrl-c to the group twice",
        "sigterm to the process",
        "sigterm to the group",
        "sigterm to the group twice",
        "ctrl-backslash to the group",
    ],
)
def test_every_way_of_stopping_leaves_nothing_running(tmp_path: Path, how: str) -> None:
    with make_dev(tmp_path) as (process, dev):
        _signal(process, dev.pid, how)
        process.wait(timeout=60)
        left = wait_until_gone(dev)
    assert left == [], f"{how}: still running: {left}"
    assert find_running_dev(tmp_path) is None


def test_a_child_that_dies_is_reported_and_the_rest_stop(tmp_path: Path) -> None:
    name = discover_children()[0].name
    with make_dev(tmp_path) as (process, dev):
        os.killpg(dev.pids[name], signal.SIGKILL)
        code = process.wait(timeout=60)
        left = wait_until_gone(dev)
    output = (tmp_path / "make-dev.log").read_text()
    assert f"error: child {name} stopped by itself" in output
    assert code != 0 and left == []


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize(
    "how", ["ctrl-c in the terminal", "sigterm to make's group", "closing the terminal"]
)
def test_make_dev_typed_into_a_terminal_stops_completely(tmp_path: Path, how: str) -> None:
    """The reported case: `make dev` typed into an interactive shell in tmux, then stopped."""
    tmux = ["tmux", "-L", f"dev-test-{os.getpid()}-{how.split()[0]}", "-f", os.devnull]
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "200", "-y", "50", "bash", "--norc", "-i"],
        env=dev_env(tmp_path),
        check=True,
    )
    dev = None
    pane = ""
    try:
        command = f"cd {ROOT} && make --no-print-directory dev PORT={_free_port()}"
        subprocess.run([*tmux, "send-keys", command, "Enter"], check=True)
        dev = wait_published(tmp_path)
        pane = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
        if how == "closing the terminal":
            subprocess.run([*tmux, "kill-server"], check=True)
        elif how == "ctrl-c in the terminal":
            subprocess.run([*tmux, "send-keys", "C-c"], check=True)
        else:
            os.killpg(os.getpgid(_parent_make(dev.pid)), signal.SIGTERM)
        left = wait_until_gone(dev)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if dev is not None:
            kill_leftovers(dev)
    assert left == [], f"{how}: still running: {left}\n{pane}"


def _parent_make(pid: int) -> int:
    """Return the `make` process above `pid` (make -> uv -> python)."""
    while pid > 1:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.split("(", 1)[1].startswith("make)"):
            return pid
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    raise AssertionError("make dev is not run by make")


def _free_port() -> int:
    from orchestrator.devserver import free_port

    return free_port()


def test_a_second_make_dev_is_refused_while_one_runs(tmp_path: Path) -> None:
    with make_dev(tmp_path) as (_, dev):
        second = subprocess.run(
            [sys.executable, "-m", "orchestrator.dev", "--port", str(_free_port())],
            cwd=ROOT,
            env=dev_env(tmp_path),
            capture_output=True,
            text=True,
        )
    assert second.returncode == 2
    assert second.stderr.strip() == (
        f"error: make dev is already running (pid {dev.pid}, orchestrator at {dev.orchestrator});"
        " stop it first"
    )


def test_a_child_whose_url_env_is_set_is_called_there_not_started(tmp_path: Path) -> None:
    first = discover_children()[0]
    elsewhere = "http://127.0.0.1:9"
    env = {**dev_env(tmp_path), first.url_env: elsewhere}
    with make_dev(tmp_path, env=env) as (_, dev):
        assert first.name not in dev.children and first.name not in dev.pids
        assert sorted(dev.children) == sorted(c.name for c in discover_children()[1:])
    log = (tmp_path / "make-dev.log").read_text()
    assert f"child {first.name:<10} {elsewhere}  (from {first.url_env})" in log


def test_every_served_graph_answers_through_the_sdk_against_make_dev(tmp_path: Path) -> None:
    with make_dev(tmp_path) as (_, dev):
        client = get_sync_client(url=dev.orchestrator, api_key=None)
        for graph_id in graph_ids():
            thread = client.threads.create()["thread_id"]
            question = {
                "messages": [{"role": "user", "content": "How much does a wind turbine produce?"}]
            }
            client.runs.wait(thread, graph_id, input=question)
            pending = client.threads.get(thread)["interrupts"]
            while pending:
                interrupt_id = next(iter(pending.values()))[0]["id"]
                resume = {interrupt_id: {"approved": True}}
                client.runs.wait(thread, graph_id, command={"resume": resume})
                pending = client.threads.get(thread)["interrupts"]
            state = client.threads.get_state(thread)
            assert state["next"] == [], graph_id
            assert state["values"]["messages"][-1]["type"] == "ai", graph_id
