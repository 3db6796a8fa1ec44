"""SIGKILL the parent mid-run: the thread resumes from SQLite and no finished remote step reruns."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from remote_graphs import new_thread_id
from remote_graphs.threads import child_thread_id
from tests.sample_graphs.graphs import GRAPHS

ROOT = Path(__file__).resolve().parents[2]


def parent(url: str, db: Path, thread: str, mode: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.remote_graphs.crash_parent", url, str(db), thread, mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def runs(url: str, thread: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/threads/{thread}/runs")
    return response.json() if response.status_code == 200 else []


def wait_for(predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def crash_and_resume(url: str, tmp_path: Path) -> tuple[str, str, str]:
    db, thread = tmp_path / "parent.sqlite", new_thread_id()
    first, second = child_thread_id(thread, "first"), child_thread_id(thread, "second")
    proc = parent(url, db, thread, "start")
    try:
        # Kill while the second remote step is running: the first has finished by then.
        wait_for(lambda: any(r["status"] == "running" for r in runs(url, second)))
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    resumed = parent(url, db, thread, "resume")
    out, err = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, err.decode()[-2000:]
    return out.decode(), first, second


def assert_no_finished_step_ran_again(url: str, first: str, second: str) -> None:
    for thread in (first, second):
        wait_for(
            lambda t=thread: all(r["status"] not in ("pending", "running") for r in runs(url, t))
        )
    # The first step had finished before the kill: it must not run again. The
    # second was in flight: its run was either adopted or cancelled and rerun.
    assert len(runs(url, first)) == 1, runs(url, first)
    assert 1 <= len(runs(url, second)) <= 2, runs(url, second)
    state = httpx.get(f"{url}/threads/{second}/state").json()
    assert state["values"]["done"] is True and state["next"] == []


def test_crash_on_fake_server(make_fake_agent_server: Any, tmp_path: Path) -> None:
    fake = make_fake_agent_server(GRAPHS)
    out, first, second = crash_and_resume(fake.url, tmp_path)
    assert "'first': True, 'second': True" in out
    assert_no_finished_step_ran_again(fake.url, first, second)


@pytest.mark.real_server
def test_crash_on_langgraph_dev(real_agent_server: Any, tmp_path: Path) -> None:
    out, first, second = crash_and_resume(real_agent_server.url, tmp_path)
    assert "'first': True, 'second': True" in out
    assert_no_finished_step_ran_again(real_agent_server.url, first, second)
