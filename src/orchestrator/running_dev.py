"""Tell other commands where a running ``make dev`` serves its children.

``make dev`` starts its children on free ports, so the URLs in ``remotes.toml``
do not reach them. While it runs it holds a lock on ``dev.lock`` in the state
folder and writes the URLs it started to ``dev.json`` beside it; ``make check``
and a second terminal's ``make run`` read them from there. The lock, not the
file, says whether ``make dev`` is running: the operating system releases it
when the process ends in any way (even ``kill -9``), so a file left behind by
a ``make dev`` that is gone is ignored.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from orchestrator.environment import state_dir
from remote_graphs import ConfigError

LOCK_NAME = "dev.lock"
FILE_NAME = "dev.json"


@dataclass(frozen=True)
class RunningDev:
    """What a running ``make dev`` serves."""

    pid: int
    orchestrator: str
    children: dict[str, str] = field(default_factory=dict)
    """Child name -> URL."""
    urls: dict[str, str] = field(default_factory=dict)
    """The children's ``url_env`` variables -> URL."""
    pids: dict[str, int] = field(default_factory=dict)
    """Server (``orchestrator`` or a child's name) -> process id, also its process group."""


class DevLock:
    """The lock one ``make dev`` holds for as long as it runs."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or state_dir()
        self._lock: IO[str] | None = None

    def acquire(self) -> DevLock:
        """Take the lock, or raise ``ConfigError`` when another ``make dev`` holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = (self.folder / LOCK_NAME).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            other = find_running_dev(self.folder)
            where = f" (pid {other.pid}, orchestrator at {other.orchestrator})" if other else ""
            raise ConfigError(f"make dev is already running{where}; stop it first") from None
        (self.folder / FILE_NAME).unlink(missing_ok=True)
        self._lock = lock
        return self

    def publish(self, dev: RunningDev) -> None:
        """Write where the children and the orchestrator are, for the other commands."""
        if self._lock is None:
            raise RuntimeError("acquire() the lock before publishing")
        partial = self.folder / f"{FILE_NAME}.{os.getpid()}"
        partial.write_text(json.dumps(asdict(dev), indent=2), encoding="utf-8")
        partial.replace(self.folder / FILE_NAME)

    def release(self) -> None:
        """Remove the published URLs and let go of the lock."""
        lock, self._lock = self._lock, None
        if lock is not None:
            (self.folder / FILE_NAME).unlink(missing_ok=True)
            lock.close()

    def __enter__(self) -> DevLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def find_running_dev(folder: Path | None = None) -> RunningDev | None:
    """Return what the running ``make dev`` published, or ``None`` when none runs."""
    folder = folder or state_dir()
    file = folder / FILE_NAME
    if not (folder / LOCK_NAME).is_file():
        return None
    with (folder / LOCK_NAME).open("a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            return None  # nobody holds it: whatever the file says is stale
    with contextlib.suppress(OSError, ValueError, TypeError):
        return RunningDev(**json.loads(file.read_text(encoding="utf-8")))
    return None
