"""Stop the commands the same way whatever the signal, and never half-way through cleanup.

A command that owns servers can be stopped by Ctrl-C, by SIGTERM to itself, by
SIGTERM to its whole process group (which ``make`` and ``uv run`` may pass on
again, so the same signal can arrive two or three times), by SIGHUP when its
terminal closes, or by SIGQUIT (Ctrl-backslash), whose default action would end the
process at once and leave its servers, each in a session of its own, running.
All of them become ``KeyboardInterrupt`` at the first one, and any signal that
arrives while servers are being started or stopped waits until that step is
over, so a second signal cannot skip the stop of a server and leave it running.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when a stop signal other than SIGINT arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """Return the shell's exit code for a command stopped by ``exc`` (128 + signal)."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals(*, sigint: bool = True) -> Iterator[None]:
    """Turn the first stop signal into ``Stopped`` (a ``KeyboardInterrupt``); ignore the rest.

    Once stopping has begun, the cleanup on the way out runs to its end
    whatever else arrives. Pass ``sigint=False`` to leave Ctrl-C to Python's
    own handling, which ``asyncio.Runner`` relies on to cancel its task cleanly.
    """
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise Stopped(signum)

    signals = STOP_SIGNALS if sigint else STOP_SIGNALS[1:]
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold stop signals until the block is done, then deliver the first one.

    Wrap what must not be cut short (starting a process and recording it,
    stopping a server). When the block runs because the command is already
    stopping, the held signals are dropped: they ask for what is happening.
    Outside the main thread, where handlers cannot be changed, it does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, _: held.append(signum)) for sig in STOP_SIGNALS
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held and not isinstance(sys.exc_info()[1], KeyboardInterrupt | SystemExit):
            signal.raise_signal(held[0])
