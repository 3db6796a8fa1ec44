"""The writer's answer, composed from the request and what the other agents reported.

It reads the researcher's findings (numbered items with ``(source: ...)``) and the
analyst's results (``- `` items under a line starting with ``Analysis``) wherever they
appear: in the other agents' messages, or quoted in the request itself, as a
tool-calling supervisor does. Anything else the agents said is quoted as is.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage

from example_agents.analysis import parse_analysis
from example_agents.conversation import current_turn
from example_agents.figures import split_sentences
from example_agents.findings import FINDINGS_HEADER, Finding, parse_findings

__all__ = [
    "MAX_FINDINGS",
    "WRITER_PROMPT",
    "compose_answer",
    "draft_from_messages",
]

MAX_FINDINGS = 6
"""Most findings quoted in one answer; the rest are only counted among the sources."""
MAX_QUOTE = 600
"""Longest stretch of another agent's free text quoted, in characters."""
WRITER_PROMPT = (
    "You are the writer. Answer the user's latest request using only the findings and "
    "calculations the other agents reported, cite each finding's source file, and keep "
    "figures exactly as reported."
)
"""System prompt for a real chat model; the scripted model ignores it."""


def compose_answer(request: str, notes: Sequence[str] = ()) -> str:
    """Compose the answer to ``request`` from the findings and results in it and in ``notes``.

    Deterministic: the same inputs always give the same text, so a draft can be
    recomputed or compared.
    """
    texts = [request, *notes]
    findings = _unique([f for text in texts for f in parse_findings(text)])
    results = list(dict.fromkeys(line for text in texts for line in parse_analysis(text)))
    title = _title(request)
    parts = [f"**{title}**" if title else "**Answer**"]
    if findings:
        parts.append(f"In short: {split_sentences(findings[0].text)[0]}")
        parts.append(
            "What the documents say:\n"
            + "\n".join(f"- {f.text} ({f.source})" for f in findings[:MAX_FINDINGS])
        )
    if results:
        parts.append("What the numbers say:\n" + "\n".join(results))
    if not findings and not results:
        others = [_quote(n) for n in notes if n.strip()]
        if not others:
            return (
                f"{parts[0]}\n\nI have nothing to base an answer on yet: no findings or "
                "calculations came with this request. Ask the researcher and the analyst first."
            )
        parts.append("What the other agents said:\n" + "\n".join(f"- {o}" for o in others))
    if findings:
        sources = list(dict.fromkeys(f.source for f in findings))
        parts.append(f"Sources: {', '.join(sources)}.")
    return "\n\n".join(parts)


def draft_from_messages(messages: Sequence[BaseMessage]) -> str:
    """Compose the answer for the current turn of a conversation (see ``current_turn``)."""
    turn = current_turn(messages)
    return compose_answer(turn.request, turn.notes)


def _title(request: str) -> str:
    """Return the request's first paragraph on one line, shortened for a heading."""
    first = request.strip().split("\n\n", 1)[0]
    title = " ".join(first.split())
    return title if len(title) <= 200 else title[:199].rstrip() + "…"


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def _quote(note: str) -> str:
    lines = [
        line.strip()
        for line in note.splitlines()
        if line.strip() and not line.strip().startswith(FINDINGS_HEADER)
    ]
    text = " ".join(lines)
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"
