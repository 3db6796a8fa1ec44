"""Drive one remote call: stream its runs, bridge its interrupts, and run each step once.

A remote ``interrupt()`` ends the remote run with pending interrupts; the
caller turns that into a local ``interrupt(value)``, so the parent stops with
the remote's question. When the parent resumes, the calling task runs again
from the top, and ``Command(resume=answer)`` goes to the waiting remote thread
instead of new input (bare ``RemoteGraph`` re-sends the input and the remote
asks forever: langgraph issue #4879).

Exactly once per parent step: every remote run carries an idempotency key (its
parent task and answer step) in its metadata. When a task runs again, after a
retry here or a resume after a crash, the remote thread is asked first: a run
of the same key still going is joined, one whose result landed is reused, and
only otherwise is a new run started. Thread runs use
``multitask_strategy="reject"``, so a late duplicate of a request is refused
by the remote, and a request refused that way joins the run already going.

The sync and async drivers share everything else, so they stay two short loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx
import orjson
from langgraph.types import interrupt

from remote_graphs.errors import RemoteRunError
from remote_graphs.handoff import ACK, handoff_of
from remote_graphs.relay import StreamReader, astream_run, checkpoint_id_of, stream_run
from remote_graphs.request import TASK_METADATA, Outcome, RemoteRequest
from remote_graphs.retry import is_transient

RETRY_AFTER_CAP = 60.0
DOWN_HINT = (
    "nothing answers at that URL: start the remote (or point its url_env at a running one),"
    " then run the thread again with no input to go on from this step"
)
"""Said when no connection could be made: the parent's thread stays at the failed step."""
_NETWORK_ERRORS = (httpx.HTTPError, httpx.StreamError, orjson.JSONDecodeError)


def drive(request: RemoteRequest) -> tuple[Outcome, RemoteRequest]:
    """Run until the remote finishes, surfacing each of its interrupts to the parent."""
    if _may_resume(request):
        reached = _reached_sync(request)
        waiting = reached is not None or _waiting_sync(request)
        request = _start_or_resume(request, waiting, reached)
        if (done := _finished(reached)) is not None:
            return done, request
    while (outcome := run_sync(request)).interrupts:
        if (found := handoff_of(outcome.interrupts)) is not None:
            # Acknowledged, the child's run finishes (a stateless one has nothing left).
            if request.thread_id is not None:
                outcome = run_sync(request.resume(ACK))
            return replace(outcome, interrupts=[], handoff=found), request
        request = _ask(outcome, request)
    return outcome, request


async def adrive(request: RemoteRequest) -> tuple[Outcome, RemoteRequest]:
    """Async ``drive``."""
    if _may_resume(request):
        reached = await _reached_async(request)
        waiting = reached is not None or await _waiting_async(request)
        request = _start_or_resume(request, waiting, reached)
        if (done := _finished(reached)) is not None:
            return done, request
    while (outcome := await run_async(request)).interrupts:
        if (found := handoff_of(outcome.interrupts)) is not None:
            if request.thread_id is not None:
                outcome = await run_async(request.resume(ACK))
            return replace(outcome, interrupts=[], handoff=found), request
        request = _ask(outcome, request)
    return outcome, request


def _may_resume(request: RemoteRequest) -> bool:
    """Tell whether the parent holds answers for this task that a remote thread may await."""
    return bool(request.parent.answers and request.thread_id is not None)


def _start_or_resume(
    request: RemoteRequest, waiting: bool, reached: Mapping[str, Any] | None = None
) -> RemoteRequest:
    """Return ``request``, or the resume of the remote interrupt the parent just answered.

    Every earlier local ``interrupt()`` of this task was answered and forwarded
    already, so replay them (each returns its stored answer without stopping)
    and forward only the newest answer. When the remote thread awaits nothing
    (the parent's state was edited or forked, so the task and its thread are
    new), the run starts from its input instead, as a local subgraph starts
    over in a new task, and each remote interrupt takes the next stored answer.

    ``reached`` is the remote checkpoint this task's last answered step stopped
    at (or an edit of it made through the parent): the resume runs from there,
    not from the thread's latest checkpoint, which a fork of the parent may have
    moved to another branch's question. An answer by id to a question an edit
    replaced is not sent: a local child's edited task asks again, with a new id.
    """
    count = request.parent.answers
    if not waiting:
        return request
    answer: Any = None
    for _ in range(count):
        answer = interrupt(None)
    resumed = request.resume(answer, step=count)
    if reached is not None and _edited(reached) and request.parent.by_id:
        # The edit replaced the question the answer was given to (by its id):
        # run the edited state, so the remote asks anew under a new id.
        return replace(resumed, command=None, input=None, checkpoint_id=checkpoint_id_of(reached))
    if reached is not None and (reached.get("interrupts") or reached.get("next")):
        return replace(resumed, checkpoint_id=checkpoint_id_of(reached))
    return resumed


def _edited(reached: Mapping[str, Any]) -> bool:
    """Tell whether the task's place on the remote is an edit of its waiting state."""
    metadata = reached.get("metadata") or {}
    return metadata.get("source") == "update" and bool(reached.get("next"))


def _reached_query(request: RemoteRequest) -> dict[str, Any] | None:
    """Return the history query for the checkpoint this task's previous step ended on."""
    if request.task is None:
        return None
    previous = replace(request, step=request.parent.answers - 1).key
    return {"metadata": {TASK_METADATA: previous}, "limit": 1}


def _reached_sync(request: RemoteRequest) -> Mapping[str, Any] | None:
    """Return the remote checkpoint this task's previous step ended on (None: not found).

    Each remote run's checkpoints carry its task and step in their metadata, so
    this is the task's own place on the remote thread, whichever branch the
    thread's latest checkpoint belongs to.
    """
    if (query := _reached_query(request)) is None:
        return None
    try:
        found = request.clients.sync().threads.get_history(str(request.thread_id), **query)
    except (*_NETWORK_ERRORS, httpx.HTTPStatusError):
        return None  # unknown: the thread's own status decides (see ``_waiting_sync``)
    return found[0] if found else None


async def _reached_async(request: RemoteRequest) -> Mapping[str, Any] | None:
    """Async ``_reached_sync``."""
    if (query := _reached_query(request)) is None:
        return None
    try:
        client = request.clients.async_()
        found = await client.threads.get_history(str(request.thread_id), **query)
    except (*_NETWORK_ERRORS, httpx.HTTPStatusError):
        return None
    return found[0] if found else None


def _finished(reached: Mapping[str, Any] | None) -> Outcome | None:
    """Return the task's result when its previous step already finished the remote run.

    That is a resume at a parent checkpoint the thread has moved past (its
    question was answered): a local subgraph finds its task done there and
    returns what it reached, so the new answer changes nothing.
    """
    if reached is None or reached.get("next") or reached.get("interrupts"):
        return None
    return Outcome(
        run_id=(reached.get("metadata") or {}).get("run_id"),
        values=dict(reached.get("values") or {}),
        checkpoint_id=checkpoint_id_of(reached),
    )


def _waiting_sync(request: RemoteRequest) -> bool:
    """Tell whether the remote thread has an interrupt waiting (assumed when it cannot be read)."""
    try:
        thread = request.clients.sync().threads.get(str(request.thread_id))
    except httpx.HTTPStatusError as exc:
        return exc.response.status_code != 404
    except _NETWORK_ERRORS:
        return True  # the run itself reports the failure, and is retried
    return _is_waiting(thread)


async def _waiting_async(request: RemoteRequest) -> bool:
    """Async ``_waiting_sync``."""
    try:
        thread = await request.clients.async_().threads.get(str(request.thread_id))
    except httpx.HTTPStatusError as exc:
        return exc.response.status_code != 404
    except _NETWORK_ERRORS:
        return True
    return _is_waiting(thread)


def _is_waiting(thread: Mapping[str, Any]) -> bool:
    """Tell whether a thread holds an interrupt, or a run that may end in one (joined later)."""
    return thread.get("status") in ("interrupted", "busy") or bool(thread.get("interrupts"))


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


def run_sync(request: RemoteRequest) -> Outcome:
    """Run ``request`` once with the sync client and return its outcome.

    Reuses the result of an earlier run of the same task when this is a retry
    or a resume after a crash; cancels the remote run if this call is abandoned.
    """
    client = request.clients.sync()
    reader = StreamReader(request)
    created: list[Mapping[str, Any]] = []
    try:
        if _recheck(request) and (done := _recover_sync(client, request)):
            return done
        request.clients.attempted.add(request.task)
        try:
            for event, data in stream_run(client.http.client, request, created.append):
                reader.feed(event, data)
        except httpx.HTTPStatusError as exc:
            if _busy(exc) and (joined := _join_sync(client, request)):
                return joined
            raise
        if _unconfirmed(reader):
            return _confirm(reader, client.threads.get_state(str(request.thread_id)))
    except _NETWORK_ERRORS as exc:
        time.sleep(_retry_after(exc))
        raise wrap_http_error(request, exc, reader.run_id) from exc
    except BaseException:
        with contextlib.suppress(Exception):
            for run in created:
                client.runs.cancel(str(run["thread_id"]), run["run_id"])
        raise
    return reader.outcome()


async def run_async(request: RemoteRequest) -> Outcome:
    """Async ``run_sync``."""
    client = request.clients.async_()
    reader = StreamReader(request)
    created: list[Mapping[str, Any]] = []
    try:
        if _recheck(request) and (done := await _recover_async(client, request)):
            return done
        request.clients.attempted.add(request.task)
        try:
            async for event, data in astream_run(client.http.client, request, created.append):
                reader.feed(event, data)
        except httpx.HTTPStatusError as exc:
            if _busy(exc) and (joined := await _join_async(client, request)):
                return joined
            raise
        if _unconfirmed(reader):
            return _confirm(reader, await client.threads.get_state(str(request.thread_id)))
    except _NETWORK_ERRORS as exc:
        await asyncio.sleep(_retry_after(exc))
        raise wrap_http_error(request, exc, reader.run_id) from exc
    except BaseException:
        with contextlib.suppress(Exception):
            for run in created:
                await asyncio.wait_for(
                    client.runs.cancel(str(run["thread_id"]), run["run_id"]), timeout=5
                )
        raise
    return reader.outcome()


# -- exactly once ----------------------------------------------------------------


def _recheck(request: RemoteRequest) -> bool:
    """Tell whether an earlier run of this task may exist: on a resume, or a retry here."""
    if not request.thread_id or not request.task:
        return False
    return request.parent.resuming or request.task in request.clients.attempted


def _unconfirmed(reader: StreamReader) -> bool:
    """Tell whether a thread run that reported no error needs its state read to be trusted."""
    return bool(
        reader.request.thread_id and reader.run_id and reader.error is None and not reader.landed()
    )


def _confirm(reader: StreamReader, state: Mapping[str, Any]) -> Outcome:
    done = settled(str(reader.run_id), state)
    if done is None:
        err = reader.request.failure(
            "IncompleteRun", "the remote run stopped before its final step was saved", reader.run_id
        )
        err.transient = True
        raise err
    return done


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
    return Outcome(
        run_id=run_id,
        values=dict(state.get("values") or {}),
        interrupts=interrupts,
        checkpoint_id=checkpoint_id_of(state),
    )


def _earlier_run(runs: Sequence[Mapping[str, Any]], key: str | None) -> Mapping[str, Any] | None:
    """Return the thread's newest run when it belongs to this task and step."""
    if not runs or key is None:
        return None
    newest = runs[0]
    return newest if (newest.get("metadata") or {}).get(TASK_METADATA) == key else None


def _active_run(runs: Sequence[Mapping[str, Any]], key: str | None) -> Mapping[str, Any] | None:
    """Return the pending or running run of this task and step, if one is going."""
    for run in runs:
        if run.get("status") in ("pending", "running"):
            meta = run.get("metadata") or {}
            return run if meta.get(TASK_METADATA) == key else None
    return None


def _busy(exc: httpx.HTTPStatusError) -> bool:
    """Tell whether the remote refused the run because its thread is running another."""
    return exc.response.status_code == 409


def _recover_sync(client: Any, request: RemoteRequest) -> Outcome | None:
    thread = str(request.thread_id)
    try:
        run = _earlier_run(client.runs.list(thread, limit=5), request.key)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:  # the remote thread was never created
            return None
        raise
    if run is None:
        return None
    if run["status"] in ("pending", "running"):
        client.runs.join(thread, run["run_id"])
    return settled(str(run["run_id"]), client.threads.get_state(thread))


async def _recover_async(client: Any, request: RemoteRequest) -> Outcome | None:
    thread = str(request.thread_id)
    try:
        run = _earlier_run(await client.runs.list(thread, limit=5), request.key)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return None
        raise
    if run is None:
        return None
    if run["status"] in ("pending", "running"):
        await client.runs.join(thread, run["run_id"])
    return settled(str(run["run_id"]), await client.threads.get_state(thread))


def _join_sync(client: Any, request: RemoteRequest) -> Outcome | None:
    thread = str(request.thread_id)
    run = _active_run(client.runs.list(thread, limit=5), request.key)
    if run is None:
        raise _busy_error(request)
    client.runs.join(thread, run["run_id"])
    return settled(str(run["run_id"]), client.threads.get_state(thread))


async def _join_async(client: Any, request: RemoteRequest) -> Outcome | None:
    thread = str(request.thread_id)
    run = _active_run(await client.runs.list(thread, limit=5), request.key)
    if run is None:
        raise _busy_error(request)
    await client.runs.join(thread, run["run_id"])
    return settled(str(run["run_id"]), await client.threads.get_state(thread))


def _busy_error(request: RemoteRequest) -> RemoteRunError:
    err = request.failure(
        "ThreadBusy", "the remote thread is running another task's run; retrying later"
    )
    err.transient = True
    return err


# -- failures --------------------------------------------------------------------


def _retry_after(exc: Exception) -> float:
    """Return how long a 429 or 503 asked us to wait (0 when it did not say)."""
    if not isinstance(exc, httpx.HTTPStatusError) or exc.response.status_code not in (429, 503):
        return 0.0
    try:
        return min(max(float(exc.response.headers.get("retry-after", 0)), 0.0), RETRY_AFTER_CAP)
    except ValueError:
        return 0.0


def wrap_http_error(request: RemoteRequest, exc: Exception, run_id: str | None) -> RemoteRunError:
    """Turn an SDK or network failure into a ``RemoteRunError`` that keeps its cause."""
    if isinstance(exc, RemoteRunError):
        return exc
    if isinstance(exc, httpx.HTTPStatusError):
        detail = exc.response.status_code
        err = request.failure(f"{type(exc).__name__} (HTTP {detail})", _detail(exc), run_id)
    elif isinstance(exc, orjson.JSONDecodeError):
        err = request.failure("MalformedStream", f"unreadable event from the remote: {exc}", run_id)
        err.transient = True
        return err
    elif isinstance(exc, httpx.ConnectError):
        err = request.failure(type(exc).__name__, f"{exc}; {DOWN_HINT}", run_id)
    else:
        err = request.failure(type(exc).__name__, str(exc) or repr(exc), run_id)
    err.transient = is_transient(exc)
    return err


def _detail(exc: httpx.HTTPStatusError) -> str:
    try:
        body = exc.response.json()
    except Exception:
        return exc.response.text[:500] or exc.response.reason_phrase
    if isinstance(body, Mapping) and "detail" in body:
        return str(body["detail"])
    return str(body)[:500]
