"""Answer an approval request on the command line: from a flag, the terminal, or by default.

The prompt runs while no event loop does, so Ctrl-C at ``Approve? [Y/n]``
stops the command at once instead of waiting for a second Ctrl-C.
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class Preset:
    """An answer given up front (``--approve``, ``--reject``, ``--feedback``)."""

    approved: bool | None = None
    feedback: str = ""


class NoAnswer(Exception):
    """Raised when the terminal closed (end of input) before an answer was given."""


def read_answer(prompt: str) -> str:
    """Print ``prompt`` and read one line from the terminal, leaving Ctrl-C free to stop it.

    ``input()`` can miss a Ctrl-C pressed just as its prompt appears (the
    signal lands before the read starts, which then waits for Enter); waiting
    for the line in short ``select`` steps lets the interrupt through at once.

    Raises:
        EOFError: The input ended.
    """
    sys.stdout.write(prompt)
    sys.stdout.flush()
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def show_request(value: Any, out: TextIO) -> None:
    """Print what the approval request asks, its draft and any complaint about the last answer."""
    request = value if isinstance(value, dict) else {"question": str(value)}
    print(f"\n== approval requested: {request.get('question') or 'approve?'}", file=out)
    if request.get("error"):
        print(f"!! the last answer was not accepted: {request['error']}", file=out)
    if request.get("draft"):
        print(f"--- draft ---\n{request['draft']}\n-------------", file=out)


def answer(
    value: Any,
    preset: Preset,
    *,
    interactive: bool | None = None,
    ask: Callable[[str], str] = read_answer,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Return the resume value for an approval request: ``{"approved": bool, "feedback"?: str}``.

    Args:
        value: The interrupt's value: the approval request.
        preset: An answer given on the command line, used without asking.
        interactive: Whether a person can be asked; defaults to stdin being a terminal.
        ask: Reads one line after a prompt.
        out: Where to print; standard output by default.

    Raises:
        NoAnswer: The input ended before an answer was given.
    """
    out = out or sys.stdout
    show_request(value, out)
    if interactive is None:
        interactive = sys.stdin.isatty()
    try:
        if preset.approved is not None:
            approved, feedback = preset.approved, preset.feedback
        elif interactive:
            approved = ask("Approve? [Y/n] ").strip().lower() in ("", "y", "yes")
            feedback = "" if approved else ask("What should change? (Enter to skip) ").strip()
        else:
            print("(no terminal to ask and no --approve/--reject: approving)", file=out)
            approved, feedback = True, ""
    except EOFError:
        raise NoAnswer("the input ended before the approval was answered") from None
    print("approved" if approved else "rejected" + (f": {feedback}" if feedback else ""), file=out)
    return {"approved": approved, **({"feedback": feedback} if feedback else {})}
