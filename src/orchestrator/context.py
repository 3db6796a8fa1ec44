"""Per-run settings of the orchestrator, passed as the graph's runtime context."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Annotated, Literal

Mode = Literal["pipeline", "supervisor"]


@dataclass(kw_only=True)
class Context:
    """What a caller may choose per run (``graph.invoke(..., context=Context(...))``)."""

    model: Annotated[str, {"__template_metadata__": {"kind": "llm"}}] = field(
        default_factory=lambda: os.environ.get("MODEL", "scripted"),
        metadata={"description": "Chat model as provider:model, or 'scripted' (offline)."},
    )
    """``provider:model`` for ``init_chat_model``; ``scripted`` is the offline default."""

    mode: Mode = field(
        default="pipeline",
        metadata={
            "description": "pipeline: fixed research/analysis/writing flow; "
            "supervisor: a tool-calling agent decides which remote to ask."
        },
    )
    """How the request is handled: the fixed pipeline or the tool-calling supervisor."""


def context_of(value: Context | dict[str, object] | None) -> Context:
    """Return the run's context, with defaults when the caller sent none."""
    if isinstance(value, Context):
        return value
    return Context(**(value or {}))  # type: ignore[arg-type]
