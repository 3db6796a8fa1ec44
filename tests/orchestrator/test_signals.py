"""Stop signals: the first one stops a command, later ones never cut its cleanup short.

`make` and `uv run` pass a SIGTERM on to the command, so one `kill` of the job
can arrive two or three times; a copy landing while a server is being stopped
used to abandon that server.
"""

import contextlib
import os
import signal
import subprocess
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
