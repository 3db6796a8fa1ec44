"""Stop signals: the first one stops a command, later ones never cut its cleanup short.

`make` and `uv run` pass a SIGTERM on to the command, so one `kill` of the job
can arrive two or three times; a copy landing while a server is being stopped
used to abandon that server.
"""

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator import devserver
from orchestrator.devserver import DevServer
from orchestrator.signals import Stopped, deferred_signals, exit_code, stop_on_signals
from tests.conftest import SAMPLE_GRAPHS


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process in its own group, standing in for a server's process tree."""
    process = subprocess.Popen(["sleep", "300"], start_new_session=True)
    yield process
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_the_first_signal_stops_and_the_next_ones_are_ignored() -> None:
    with stop_on_signals():
        with pytest.raises(Stopped) as stopped:
            signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGHUP)
        signal.raise_signal(signal.SIGINT)
    assert exit_code(stopped.value) == 128 + signal.SIGTERM


def test_ctrl_c_can_be_left_to_python() -> None:
    with stop_on_signals(sigint=False), pytest.raises(KeyboardInterrupt) as interrupted:
        signal.raise_signal(signal.SIGINT)
    assert not isinstance(interrupted.value, Stopped)
    assert exit_code(interrupted.value) == 130


def test_a_signal_during_a_deferred_step_arrives_after_it() -> None:
    steps = []
    with stop_on_signals(), pytest.raises(Stopped):
        with deferred_signals():
            signal.raise_signal(signal.SIGTERM)
            steps.append("finished")
        steps.append("not reached")
    assert steps == ["finished"]


def test_a_signal_during_cleanup_after_a_stop_is_dropped() -> None:
    with stop_on_signals(sigint=False):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            with deferred_signals():
                signal.raise_signal(signal.SIGINT)
            cleaned_up = True
    assert cleaned_up


def test_a_second_sigterm_while_a_server_stops_still_stops_it(
    sleeper: subprocess.Popen[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = DevServer(SAMPLE_GRAPHS, cwd=tmp_path)
    server._process = sleeper
    signal_group = devserver._signal_group

    def forwarded_copy_first(pid: int, sig: signal.Signals) -> None:
        signal.raise_signal(signal.SIGTERM)  # the copy `uv run` forwards lands now
        signal_group(pid, sig)

    monkeypatch.setattr(devserver, "_signal_group", forwarded_copy_first)
    with stop_on_signals(), pytest.raises(Stopped):
        server.stop(grace=5)
    assert sleeper.poll() is not None


def test_deferred_signals_do_nothing_off_the_main_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def step() -> str:
        with deferred_signals():
            return "ran"

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(step).result() == "ran"


# A command that owns a server in its own session, as `make dev` does, run as a process
# (only the signal handling is imported, so it starts in milliseconds).
OWNER = """
import os, subprocess, sys, time
from orchestrator.signals import exit_code, stop_on_signals

server = subprocess.Popen(
    ["sleep", "300"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
)
try:
    with stop_on_signals():
        try:
            print(server.pid, flush=True)
            while True:
                time.sleep(0.1)
        finally:  # the server is stopped while stopping, as `make dev` stops its servers
            os.killpg(server.pid, 15)
            server.wait()
except KeyboardInterrupt as exc:
    print("stopped", file=sys.stderr)
    sys.exit(exit_code(exc))
"""


@pytest.mark.parametrize("times", [1, 2], ids=["once", "twice"])
@pytest.mark.parametrize("sig", [signal.SIGQUIT, signal.SIGHUP], ids=["sigquit", "sighup"])
def test_quit_and_hangup_stop_a_command_and_its_server(sig: signal.Signals, times: int) -> None:
    """SIGQUIT (Ctrl-backslash) and SIGHUP (terminal closed) stop like Ctrl-C: no server is left."""
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGQUIT, signal.SIG_DFL),
    )
    assert owner.stdout is not None
    server = int(owner.stdout.readline())
    try:
        for _ in range(times):
            os.kill(owner.pid, sig)
        code = owner.wait(timeout=60)
        stderr = owner.stderr.read() if owner.stderr else ""
        assert (code, stderr.strip()) == (128 + sig, "stopped")
        assert subprocess.run(["ps", "-p", str(server)], capture_output=True).returncode != 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(owner.pid, signal.SIGKILL)
        owner.wait()
