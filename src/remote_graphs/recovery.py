"""Exactly once per parent step: find and reuse a remote run that already did the work.

Every remote run carries an idempotency key (its parent task and answer step)
in its metadata. When a task runs again, after a retry in this process or a
resume after a crash, the remote thread is asked first: a run of the same key
that is still going is joined, one whose result landed is reused, and only
otherwise is a new run started.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from remote_graphs.request import TASK_METADATA, Outcome, RemoteRequest


class _Attempts:
    """Tasks this process already started a remote run for (bounded, oldest dropped)."""

    def __init__(self, size: int = 4096) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, key: str) -> None:
        with self._lock:
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys


attempted = _Attempts()
"""Tasks this process has started a remote run for."""


def _earlier_run(runs: Sequence[Mapping[str, Any]], key: str | None) -> Mapping[str, Any] | None:
    """Return the thread's newest run when it belongs to this task and step."""
    if not runs or key is None:
        return None
    newest = runs[0]
    return newest if (newest.get("metadata") or {}).get(TASK_METADATA) == key else None


def settled(run_id: str, state: Mapping[str, Any]) -> Outcome | None:
    """Return the run's result if its final checkpoint is the thread's latest, else None.

    The checkpoint, not the run's status, says whether the work landed: a run
    cancelled a moment after its last step reports ``interrupted`` although its
    result is saved, and a stream cut short looks complete to its reader.
    """
    interrupts = [dict(i) for i in state.get("interrupts") or []]
    if (state.get("metadata") or {}).get("run_id") != run_id:
        return None
    if state.get("next") and not interrupts:
        return None  # stopped between steps
    return Outcome(run_id=run_id, values=dict(state.get("values") or {}), interrupts=interrupts)


def recover_sync(request: RemoteRequest) -> Outcome | None:
    """Return the result of this task's earlier remote run, waiting for it if still going."""
    client = request.clients.sync()
    assert request.thread_id is not None
    try:
        run = _earlier_run(client.runs.list(request.thread_id, limit=5), request.key)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:  # the remote thread was never created
            return None
        raise
    if run is None:
        return None
    if run["status"] in ("pending", "running"):
        client.runs.join(request.thread_id, run["run_id"])
    return settled(str(run["run_id"]), client.threads.get_state(request.thread_id))


async def recover_async(request: RemoteRequest) -> Outcome | None:
    """Async ``recover_sync``."""
    client = request.clients.async_()
    assert request.thread_id is not None
    try:
        run = _earlier_run(await client.runs.list(request.thread_id, limit=5), request.key)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return None
        raise
    if run is None:
        return None
    if run["status"] in ("pending", "running"):
        await client.runs.join(request.thread_id, run["run_id"])
    return settled(str(run["run_id"]), await client.threads.get_state(request.thread_id))
