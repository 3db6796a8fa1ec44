"""Start ``make dev`` the way a person does, find what it serves, and prove it all stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from orchestrator.children import discover_children
from orchestrator.devserver import free_port
from orchestrator.running_dev import RunningDev, find_running_dev

ROOT = Path(__file__).resolve().parents[2]
STARTUP = 120.0


def dev_env(state: Path) -> dict[str, str]:
    """Return the environment for ``make dev`` and ``make check`` with their state in ``state``.

    No child's ``url_env`` is passed on (a session fixture may have set them), since
    ``make dev`` calls a child whose variable is set where it points instead of starting it.
    """
    urls = {child.url_env for child in discover_children()}
    base = {name: value for name, value in os.environ.items() if name not in urls}
    return {**base, "ORCHESTRATOR_STATE_DIR": str(state)}


def lean_env(state: Path) -> dict[str, str]:
    """Return ``dev_env`` with all children but one pointed elsewhere: two servers start.

    Two servers are enough to stop one after the other (where a signal can
    fall between the two stops) at half the start-up cost of all of them.
    """
    _, *others = discover_children()
    return {**dev_env(state), **{child.url_env: "http://127.0.0.1:9" for child in others}}


def wait_published(state: Path, alive: subprocess.Popen[bytes] | None = None) -> RunningDev:
    """Wait until the ``make dev`` keeping state in ``state`` has published its servers."""
    end = time.monotonic() + STARTUP
    while (dev := find_running_dev(state)) is None:
        if alive is not None and alive.poll() is not None:
            raise AssertionError(f"make dev exited with {alive.returncode} before it was ready")
        if time.monotonic() > end:
            raise AssertionError("make dev did not publish its servers")
        time.sleep(0.2)
    return dev


@contextlib.contextmanager
def make_dev(
    state: Path, argv: Sequence[str] | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], RunningDev]]:
    """Run ``make dev`` in its own process group (a shell job) until the block ends."""
    port = free_port()
    log = (state / "make-dev.log").open("wb")
    process = subprocess.Popen(
        list(argv or ["make", "--no-print-directory", "dev", f"PORT={port}"]),
        cwd=ROOT,
        env=env or dev_env(state),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    dev: RunningDev | None = None
    try:
        dev = wait_published(state, process)
        yield process, dev
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.close()
        if dev is not None:
            kill_leftovers(dev)


def leftovers(dev: RunningDev) -> list[str]:
    """Return what of ``dev`` still runs or listens: processes, process groups and ports."""
    found = []
    for name, pid in dev.pids.items():
        if _group_alive(pid):
            found.append(f"{name} (process group {pid})")
    for url in [dev.orchestrator, *dev.children.values()]:
        port = urlsplit(url).port
        if port is not None and _listening(port):
            found.append(f"a listener on {url}")
    return found


def wait_until_gone(dev: RunningDev, deadline: float = 30.0) -> list[str]:
    """Give the servers up to ``deadline`` seconds to go; return whatever is still there."""
    end = time.monotonic() + deadline
    while (left := leftovers(dev)) and time.monotonic() < end:
        time.sleep(0.2)
    return left


def kill_leftovers(dev: RunningDev) -> None:
    """Kill whatever a failed test left running."""
    for pid in dev.pids.values():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _has_live_member(pgid)


def _has_live_member(pgid: int) -> bool:
    """Tell whether the group has a member that is not a zombie waiting to be reaped."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
