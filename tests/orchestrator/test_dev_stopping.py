"""Every way of stopping `make dev` leaves nothing running.

Each test starts the real `make dev` (make, uv, the command and real
`langgraph dev` servers) in its own process group, the way a shell starts a
job, then signals it one way; `test_dev_terminal.py` types it into a terminal.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from orchestrator.running_dev import find_running_dev

from .dev_process import dev_env, lean_env, make_dev, wait_until_gone

pytestmark = pytest.mark.real_server
# The reported way starts every child; the others start one child and the orchestrator.
FULL = {"sigterm to the group twice"}


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
    env = dev_env(tmp_path) if how in FULL else lean_env(tmp_path)
    with make_dev(tmp_path, env=env) as (process, dev):
        _signal(process, dev.pid, how)
        process.wait(timeout=60)
        left = wait_until_gone(dev)
    assert left == [], f"{how}: still running: {left}"
    assert find_running_dev(tmp_path) is None
