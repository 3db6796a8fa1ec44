"""Bridge remote interrupts to the parent: ask locally, answer the same remote thread.

A remote ``interrupt()`` ends the remote run with pending interrupts. The
caller turns that into a local ``interrupt(value)``, so the parent graph stops
with the remote's question. When the parent resumes with
``Command(resume=answer)``, the calling task runs again from the top; the
driver then sends ``Command(resume=answer)`` to the waiting remote thread
instead of new input (bare ``RemoteGraph`` re-sends the input and the remote
interrupts forever: langgraph issue #4879).
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import interrupt

from remote_graphs.remote_run import run_async, run_sync
from remote_graphs.request import Outcome, RemoteRequest

CONFIG_KEY_SCRATCHPAD = "__pregel_scratchpad"  # internal langgraph key, as RemoteGraph uses


def pending_answers(config: RunnableConfig) -> int:
    """Count the answers the parent holds for this task's interrupts (0 on a fresh run)."""
    pad = (config.get("configurable") or {}).get(CONFIG_KEY_SCRATCHPAD)
    if pad is None:
        return 0
    return len(pad.resume) + (1 if pad.get_null_resume(False) is not None else 0)


def start_or_resume(request: RemoteRequest, config: RunnableConfig) -> RemoteRequest:
    """Return ``request``, or the resume of the remote interrupt the parent just answered.

    Every earlier local ``interrupt()`` of this task was answered and forwarded
    already, so replay them (each returns its stored answer without stopping)
    and forward only the newest answer.
    """
    count = pending_answers(config)
    if not count or request.thread_id is None:
        return request
    answer: Any = None
    for _ in range(count):
        answer = interrupt(None)
    return request.resume(answer, step=count)


def _ask(outcome: Outcome, request: RemoteRequest) -> RemoteRequest:
    if request.thread_id is None:
        raise request.failure(
            "StatelessInterrupt",
            "the remote interrupted, but a stateless remote run cannot be resumed; "
            "give it a thread (thread='per_parent') and run the parent with a thread_id",
            outcome.run_id,
        )
    values = [i.get("value") for i in outcome.interrupts]
    return request.resume(interrupt(values[0] if len(values) == 1 else values))


def drive(request: RemoteRequest, config: RunnableConfig) -> tuple[Outcome, RemoteRequest]:
    """Run until the remote finishes, surfacing each of its interrupts to the parent."""
    request = start_or_resume(request, config)
    while (outcome := run_sync(request)).interrupts:
        request = _ask(outcome, request)
    return outcome, request


async def adrive(request: RemoteRequest, config: RunnableConfig) -> tuple[Outcome, RemoteRequest]:
    """Async ``drive``."""
    request = start_or_resume(request, config)
    while (outcome := await run_async(request)).interrupts:
        request = _ask(outcome, request)
    return outcome, request
