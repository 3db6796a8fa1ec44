"""Run a command so that every way it ends has one clear exit code.

A configuration mistake prints ``error: <what and how to fix it>`` and exits
2; Ctrl-C, SIGTERM, SIGHUP and SIGQUIT stop it (128 + the signal) after its servers
are stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from orchestrator.signals import exit_code, stop_on_signals
from remote_graphs import ConfigError

CONFIG_ERROR_EXIT = 2


def run_command(command: Callable[[], int], *, stopped: str = "", sigint: bool = True) -> int:
    """Run ``command`` and return its exit code, printing configuration errors as one line.

    Args:
        command: What to run; returns the exit code.
        stopped: Said when a signal stopped it, after its cleanup.
        sigint: Handle Ctrl-C like the other stop signals; ``False`` leaves it to
            Python (``KeyboardInterrupt``), as an ``asyncio.Runner`` needs.
    """
    try:
        with stop_on_signals(sigint=sigint):
            return command()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return CONFIG_ERROR_EXIT
    except KeyboardInterrupt as exc:
        if stopped:
            print(f"\n{stopped}", file=sys.stderr)
        return exit_code(exc)
