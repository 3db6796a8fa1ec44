"""The orchestrator's state: the conversation plus the fan-out's questions and findings."""

from __future__ import annotations

import operator
from typing import Annotated

from langgraph.graph import MessagesState


class State(MessagesState, total=False):
    """Conversation messages (from ``MessagesState``) and the research fan-out."""

    questions: list[str]
    """Sub-questions planned from the latest request, one research branch each."""
    findings: Annotated[list[str], operator.add]
    """What each research branch found; the reducer merges the parallel branches."""


class Question(MessagesState, total=False):
    """What one research branch receives through ``Send``."""

    question: str
