"""What a caller may choose per run of the orchestrator's graphs: their ``context_schema``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Annotated

from orchestrator.model import SCRIPTED


@dataclass(kw_only=True)
class Context:
    """Per-run settings, e.g. ``graph.ainvoke(..., context={"model": "openai:gpt-4.1-mini"})``."""

    model: Annotated[str, {"__template_metadata__": {"kind": "llm"}}] = field(
        default_factory=lambda: os.environ.get("MODEL", SCRIPTED),
        metadata={"description": "Chat model as provider:model, or 'scripted' (offline)."},
    )
    """``provider:model`` for ``init_chat_model``; ``scripted`` (the default) needs no key."""
