"""`make dev` as a person runs it: `make check`, a second `make dev` and the SDK beside it.

The tests that only look at a running `make dev` share one (make, uv, the
command and real `langgraph dev` servers, started in its own process group the
way a shell starts a job, with its state in a temporary folder); the ones that
change what runs start their own. Stopping it is in `test_dev_stopping.py`.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.children import discover_children
from orchestrator.devserver import free_port
from orchestrator.loader import graph_ids
from orchestrator.running_dev import RunningDev

from .dev_process import ROOT, dev_env, lean_env, make_dev, wait_until_gone

pytestmark = pytest.mark.real_server
Running = tuple[Path, RunningDev]  # the shared make dev's state folder and servers


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One `make dev` for the tests that only use it; yields its state folder and servers."""
    state = tmp_path_factory.mktemp("make-dev")
    with make_dev(state) as (_, dev):
        yield state, dev


def test_make_check_during_make_dev_says_ok_for_every_remote(
    running: Running,
) -> None:
    state, _ = running
    check = subprocess.run(
        ["make", "--no-print-directory", "check"],
        cwd=ROOT,
        env=dev_env(state),
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


def test_a_second_make_dev_is_refused_while_one_runs(running: Running) -> None:
    state, dev = running
    second = subprocess.run(
        [sys.executable, "-m", "orchestrator.dev", "--port", str(free_port())],
        cwd=ROOT,
        env=dev_env(state),
        capture_output=True,
        text=True,
    )
    assert second.returncode == 2
    assert second.stderr.strip() == (
        f"error: make dev is already running (pid {dev.pid}, orchestrator at {dev.orchestrator});"
        " stop it first"
    )


def test_every_served_graph_answers_through_the_sdk_against_make_dev(
    running: Running,
) -> None:
    _, dev = running
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


def test_a_child_that_dies_is_reported_and_the_rest_stop(tmp_path: Path) -> None:
    name = discover_children()[0].name  # the one child lean_env starts
    with make_dev(tmp_path, env=lean_env(tmp_path)) as (process, dev):
        os.killpg(dev.pids[name], signal.SIGKILL)
        code = process.wait(timeout=60)
        left = wait_until_gone(dev)
    output = (tmp_path / "make-dev.log").read_text()
    assert f"error: child {name} stopped by itself" in output
    assert code != 0 and left == []


def test_a_child_whose_url_env_is_set_is_called_there_not_started(tmp_path: Path) -> None:
    first = discover_children()[0]
    elsewhere = "http://127.0.0.1:9"
    env = {**dev_env(tmp_path), first.url_env: elsewhere}
    with make_dev(tmp_path, env=env) as (_, dev):
        assert first.name not in dev.children and first.name not in dev.pids
        assert sorted(dev.children) == sorted(c.name for c in discover_children()[1:])
    log = (tmp_path / "make-dev.log").read_text()
    assert f"child {first.name:<10} {elsewhere}  (from {first.url_env})" in log
