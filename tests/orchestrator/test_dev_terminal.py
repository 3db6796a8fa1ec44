"""`make dev` typed into an interactive shell in a terminal (tmux), then stopped: nothing is left.

This is how the leak was reported: SIGTERM to the job's process group while
`make dev` ran in a terminal left the orchestrator's `langgraph dev` running.
"""

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from orchestrator.devserver import free_port

from .dev_process import ROOT, dev_env, kill_leftovers, lean_env, wait_published, wait_until_gone

pytestmark = pytest.mark.real_server
FULL = {"sigterm to make's group"}  # the reported case starts every child; the others one


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize(
    "how", ["ctrl-c in the terminal", "sigterm to make's group", "closing the terminal"]
)
def test_make_dev_typed_into_a_terminal_stops_completely(tmp_path: Path, how: str) -> None:
    """The reported case: `make dev` typed into an interactive shell in tmux, then stopped."""
    tmux = ["tmux", "-L", f"dev-test-{os.getpid()}-{how.split()[0]}", "-f", os.devnull]
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "200", "-y", "50", "bash", "--norc", "-i"],
        env=dev_env(tmp_path) if how in FULL else lean_env(tmp_path),
        check=True,
    )
    dev = None
    pane = ""
    try:
        command = f"cd {ROOT} && make --no-print-directory dev PORT={free_port()}"
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
