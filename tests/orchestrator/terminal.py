"""Run a command on a pseudo-terminal, as a person at a terminal would: type, press Ctrl-C, read.

The command is the session leader of a new pty, so Ctrl-C typed there reaches
its whole foreground process group through the terminal, exactly like in a
shell, and ``isatty()`` is true for its standard streams.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60.0


def _take_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """One command on its own pty; everything it prints is kept in ``output``."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        master, slave = pty.openpty()
        self._master = master
        self.output = ""
        self.process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**os.environ, "PYTHONFAULTHANDLER": "1", **(env or {}), "TERM": "dumb"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)

    def expect(self, text: str, deadline: float = DEADLINE) -> str:
        """Read until ``text`` has been printed; fail with the output so far if it never is."""
        end = time.monotonic() + deadline
        while text not in self.output:
            if not self._read(end - time.monotonic()):
                raise AssertionError(f"never printed {text!r}; output so far:\n{self.output}")
        return self.output

    def type(self, text: str) -> None:
        """Type ``text`` (add ``\\n`` to press Enter)."""
        os.write(self._master, text.encode())

    def ctrl_c(self) -> None:
        """Press Ctrl-C: the terminal sends SIGINT to the foreground process group."""
        os.write(self._master, b"\x03")

    def wait(self, deadline: float = DEADLINE) -> int:
        """Wait for the command to exit, reading what it prints; return its exit code."""
        end = time.monotonic() + deadline
        while self.process.poll() is None:
            if time.monotonic() > end:
                self._dump_stacks()
                raise AssertionError(f"the command did not exit; output so far:\n{self.output}")
            self._read(0.2)
        while self._read(0.2):
            pass
        return self.process.returncode

    def _dump_stacks(self) -> None:
        """Make a hung Python command print every thread's stack (faulthandler), for the failure."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGABRT)
        end = time.monotonic() + 5
        while self._read(end - time.monotonic()):
            pass

    def _read(self, timeout: float) -> bool:
        if timeout <= 0:
            return False
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return self.process.poll() is None
        try:
            data = os.read(self._master, 65536)
        except OSError:  # the command closed the terminal
            return False
        self.output += data.decode(errors="replace").replace("\r\n", "\n")
        return bool(data)

    def close(self) -> None:
        """Stop the command's process group if it still runs, and close the terminal."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
