"""The researcher's report: ranked passages as a numbered list, each with its source.

The format is plain text that people read and the other agents parse::

    Findings for "wind capacity factor":
    1. Onshore wind farms ... about 35%. (source: wind-power.md)
    2. ...
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from example_agents.search import Hit

__all__ = ["FINDINGS_HEADER", "Finding", "format_findings", "parse_findings"]

FINDINGS_HEADER = "Findings for"
_ITEM = re.compile(r"^\s*\d+\.\s+(?P<text>.+?)\s+\(source: (?P<source>[^()\s]+)\)\s*$")


@dataclass(frozen=True)
class Finding:
    """One passage as reported: its text and the note it came from."""

    text: str
    source: str


def format_findings(query: str, hits: Sequence[Hit], *, collection: str = "") -> str:
    """Write the report for ``query``; say plainly when nothing matched.

    Args:
        query: What was searched for, quoted in the first line.
        hits: Ranked passages, best first.
        collection: A short description of what was searched, for the no-result message.
    """
    query = " ".join(query.split())
    if not hits:
        # The query is not echoed here: its figures would look like findings to the analyst.
        where = f" in {collection}" if collection else ""
        return (
            f"No findings{where} for this question. "
            "Try other words, for example solar, wind, capacity factor or cost."
        )
    lines = [f'{FINDINGS_HEADER} "{query}":']
    lines += [
        f"{i}. {hit.passage.text} (source: {hit.passage.source})"
        for i, hit in enumerate(hits, start=1)
    ]
    return "\n".join(lines)


def parse_findings(text: str) -> list[Finding]:
    """Return the findings listed in ``text`` (any text that quotes such a report)."""
    return [
        Finding(text=match["text"], source=match["source"])
        for line in text.splitlines()
        if (match := _ITEM.match(line))
    ]
