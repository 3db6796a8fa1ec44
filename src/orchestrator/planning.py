"""Split a request into research questions, deterministically, so runs are reproducible."""

from __future__ import annotations

import re

_SPLIT = re.compile(r"\?\s+|;\s*|\.\s+|\s+and also\s+|\n+")
MAX_QUESTIONS = 4


def split_task(task: str) -> list[str]:
    """Return up to four sub-questions of ``task`` (the task itself when it has one part)."""
    parts = [p.strip(" .?;") for p in _SPLIT.split(task.strip())]
    questions = [p for p in parts if len(p.split()) >= 2]
    return questions[:MAX_QUESTIONS] or [task.strip()]


def has_numbers(texts: list[str]) -> bool:
    """Tell whether the findings contain figures worth handing to the analyst."""
    return any(re.search(r"\d", t) for t in texts)
