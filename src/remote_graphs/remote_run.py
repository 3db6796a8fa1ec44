"""Run one remote request: stream it, confirm it, and turn failures into typed errors.

Sync and async drivers share everything else (request, relay, recovery), so
they stay two short loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from remote_graphs.errors import RemoteRunError
from remote_graphs.recovery import attempted, recover_async, recover_sync
from remote_graphs.relay import StreamReader
from remote_graphs.request import RETRY_AFTER_CAP, TASK_METADATA, Outcome, RemoteRequest
from remote_graphs.retry import is_transient


def _sdk_kwargs(request: RemoteRequest, created: list[Mapping[str, Any]]) -> dict[str, Any]:
    kwargs = dict(request.payload)
    if "command" in kwargs:
        kwargs.pop("input", None)
    if request.key:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), TASK_METADATA: request.key}
    return {
        "thread_id": request.thread_id,
        **kwargs,
        "headers": request.headers,
        "on_run_created": created.append,
    }


def _recheck(request: RemoteRequest) -> bool:
    """Tell whether an earlier run of this task may exist: on a resume, or a retry here."""
    return bool(request.thread_id) and (request.recheck or request.task in attempted)


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
    if isinstance(exc, httpx.HTTPStatusError):
        detail = exc.response.status_code
        err = request.failure(f"{type(exc).__name__} (HTTP {detail})", _detail(exc), run_id)
    elif isinstance(exc, orjson.JSONDecodeError):
        err = request.failure("MalformedStream", f"unreadable event from the remote: {exc}", run_id)
        err.transient = True
        return err
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


def run_sync(request: RemoteRequest) -> Outcome:
    """Run ``request`` with the sync client and return its outcome.

    Reuses the result of an earlier run of the same task when this is a retry
    or a resume after a crash; cancels the remote run if this call is abandoned.
    """
    client = request.clients.sync()
    reader = StreamReader(request)
    created: list[Mapping[str, Any]] = []
    try:
        if _recheck(request) and (done := recover_sync(request)):
            return done
        if request.key:
            attempted.add(request.task or "")
        for part in client.runs.stream(**_sdk_kwargs(request, created)):
            reader.feed(part.event, part.data)
        if run_id := reader.unconfirmed():
            reader.confirm(run_id, client.threads.get_state(str(request.thread_id)))
    except (httpx.HTTPError, httpx.StreamError, orjson.JSONDecodeError) as exc:
        time.sleep(_retry_after(exc))
        raise wrap_http_error(request, exc, reader.outcome.run_id) from exc
    except BaseException:
        with contextlib.suppress(Exception):
            for run in created:
                client.runs.cancel(str(run["thread_id"]), run["run_id"])
        raise
    return reader.finish()


async def run_async(request: RemoteRequest) -> Outcome:
    """Async ``run_sync``."""
    client = request.clients.async_()
    reader = StreamReader(request)
    created: list[Mapping[str, Any]] = []
    try:
        if _recheck(request) and (done := await recover_async(request)):
            return done
        if request.key:
            attempted.add(request.task or "")
        async for part in client.runs.stream(**_sdk_kwargs(request, created)):
            reader.feed(part.event, part.data)
        if run_id := reader.unconfirmed():
            reader.confirm(run_id, await client.threads.get_state(str(request.thread_id)))
    except (httpx.HTTPError, httpx.StreamError, orjson.JSONDecodeError) as exc:
        await asyncio.sleep(_retry_after(exc))
        raise wrap_http_error(request, exc, reader.outcome.run_id) from exc
    except BaseException:
        with contextlib.suppress(Exception):
            for run in created:
                await asyncio.wait_for(
                    client.runs.cancel(str(run["thread_id"]), run["run_id"]), timeout=5
                )
        raise
    return reader.finish()
