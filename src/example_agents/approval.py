"""The human approval the writer asks for: what it asks, and how to read the answer.

The writer pauses with ``interrupt(approval_request(draft))``, i.e. the value
``{"question": "Approve this answer?", "draft": "<text>"}``. Resume it with:

* approval: ``True``, ``"yes"`` (also ``"y"``, ``"ok"``, ``"approve"``, ``"approved"``),
  or ``{"approved": true}``;
* rejection: ``False``, ``"no"`` (also ``"n"``, ``"reject"``, ``"rejected"``),
  ``{"approved": false, "feedback": "..."}``, or any other text, which is taken as
  the reason for rejecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["APPROVAL_QUESTION", "Approval", "approval_request", "parse_approval", "rejection_text"]

APPROVAL_QUESTION = "Approve this answer?"
_YES = frozenset({"yes", "y", "ok", "okay", "approve", "approved", "accept", "true"})
_NO = frozenset({"no", "n", "reject", "rejected", "deny", "false"})


@dataclass(frozen=True)
class Approval:
    """A human's decision on a draft."""

    approved: bool
    feedback: str = ""


def approval_request(draft: str) -> dict[str, str]:
    """Return the interrupt value that asks a human to approve ``draft``."""
    return {"question": APPROVAL_QUESTION, "draft": draft}


def parse_approval(value: Any) -> Approval:
    """Read a resume value as an approval or a rejection (see the module docstring).

    Anything not clearly an approval is a rejection, so a draft is never published
    by mistake; the message of a rejection says what was received.
    """
    if isinstance(value, bool):
        return Approval(value)
    if isinstance(value, str):
        word = value.strip().lower().rstrip(".!")
        if word in _YES:
            return Approval(True)
        if word in _NO:
            return Approval(False)
        return Approval(False, value.strip())
    if isinstance(value, dict):
        feedback = str(value.get("feedback") or "").strip()
        approved = value.get("approved")
        if isinstance(approved, str):
            approved = approved.strip().lower() in _YES
        if approved is True:
            return Approval(True, feedback)
        if approved is False:
            return Approval(False, feedback)
        return Approval(False, feedback or f"unrecognised answer: {value!r}")
    return Approval(False, f"unrecognised answer: {value!r}")


def rejection_text(feedback: str) -> str:
    """Return the writer's message for a rejected draft."""
    if feedback:
        return f"The draft was rejected. Feedback: {feedback}"
    return "The draft was rejected (no feedback was given)."
