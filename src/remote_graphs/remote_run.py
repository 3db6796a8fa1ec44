"""One run on a remote deployment: build the request, read its stream, relay its events.

Shared by remote nodes and remote tools so both get the same guard checks,
headers, error reporting and stream relay, in sync and async code alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import orjson
from langchain_core.runnables import RunnableConfig
from langgraph.types import Interrupt

from remote_graphs import guard
from remote_graphs.clients import ClientPool, RemoteClients
from remote_graphs.errors import RemoteRunError
from remote_graphs.messages import hydrate, to_message
from remote_graphs.retry import is_transient

# langgraph keeps these in an internal module; RemoteGraph relies on the same keys.
CONFIG_KEY_STREAM = "__pregel_stream"
CONFIG_KEY_CHECKPOINT_NS = "checkpoint_ns"
CONFIG_KEY_RESUMING = "__pregel_resuming"
TASK_METADATA = "remote_graphs_task"
RETRY_AFTER_CAP = 60.0
USER_HEADER = "x-remote-graphs-user"
"""Carries the calling user's identity to remotes declared with ``forward_user = true``."""
NS_SEP = "|"
INTERRUPT = "__interrupt__"
_RELAYED_MODES = {"values", "updates", "messages", "custom", "debug", "tasks", "checkpoints"}
_PRIVATE_PREFIXES = ("__", "langgraph_", "x-", "checkpoint_", "langsmith", "user-agent")
_PRIVATE_KEYS = {"thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "run_id"}


@dataclass
class Outcome:
    """What a finished remote run left behind."""

    run_id: str | None = None
    values: dict[str, Any] | None = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None


@dataclass
class RemoteRequest:
    """Everything needed to start one remote run."""

    name: str
    clients: RemoteClients
    thread_id: str | None
    payload: dict[str, Any]
    headers: dict[str, str]
    stream: Any = None
    caller_ns: tuple[str, ...] = ()
    task: str | None = None
    """Idempotency key: the parent task this run belongs to (None for stateless runs)."""
    step: int = 0
    """How many interrupt answers this run carries (0: the first input)."""
    recheck: bool = False
    """Look for an earlier run of the same task and step before starting a new one."""

    @property
    def key(self) -> str | None:
        """Return the idempotency key sent in the run's metadata."""
        return f"{self.task}#{self.step}" if self.task else None

    @property
    def url(self) -> str:
        """Return the remote's URL (never carries credentials)."""
        return self.clients.url

    def resume(self, answer: Any, step: int | None = None) -> RemoteRequest:
        """Return the request that resumes the same remote thread with ``answer``."""
        payload = {k: v for k, v in self.payload.items() if k != "input"}
        payload["command"] = {"resume": answer}
        return replace(self, payload=payload, step=self.step + 1 if step is None else step)

    def failure(self, error: str, message: str, run_id: str | None = None) -> RemoteRunError:
        """Return the typed error for this request."""
        return RemoteRunError(
            self.name,
            self.url,
            error=error,
            message=message,
            run_id=run_id,
            thread_id=self.thread_id,
        )


def build_request(
    name: str,
    pool: ClientPool,
    spec: Any,
    *,
    thread_id: str | None,
    input: Any,
    config: RunnableConfig | None,
    context: Any = None,
    metadata: Mapping[str, Any] | None = None,
) -> RemoteRequest:
    """Check the guard and build the request for one remote run."""
    clients = pool.get(spec)
    conf = dict((config or {}).get("configurable") or {})
    chain = guard.check_call(
        name, clients.url, configurable=conf, metadata=(config or {}).get("metadata")
    )
    stream = conf.get(CONFIG_KEY_STREAM)
    caller_ns = (
        tuple(conf[CONFIG_KEY_CHECKPOINT_NS].split(NS_SEP))
        if conf.get(CONFIG_KEY_CHECKPOINT_NS)
        else ()
    )
    modes = {"values", "updates"}
    if stream is not None:
        modes |= {m for m in stream.modes if m in _RELAYED_MODES}
    payload: dict[str, Any] = {
        "on_disconnect": "cancel",  # a parent that goes away takes its remote run with it
        # A dropped stream is rejoined by the SDK; resumable streams replay what
        # was missed, so the final values are never silently lost.
        "stream_resumable": True,
        "assistant_id": spec.assistant,
        "input": input,
        "stream_mode": sorted("messages-tuple" if m == "messages" else m for m in modes),
        "stream_subgraphs": stream is not None,
        "if_not_exists": "create",
        "metadata": dict(metadata or {}),
    }
    payload.update(_config_or_context(conf, context))
    headers = tracing_headers()
    if spec.forward_user and (user := conf.get("langgraph_auth_user_id")):
        headers[USER_HEADER] = str(user)
    if chain:
        headers[guard.CALL_CHAIN_HEADER] = chain
        payload["metadata"][guard.CALL_CHAIN_METADATA] = chain
    task = f"{name}|{conf.get(CONFIG_KEY_CHECKPOINT_NS, '')}" if thread_id else None
    return RemoteRequest(
        name,
        clients,
        thread_id,
        payload,
        headers,
        stream,
        caller_ns,
        task=task,
        recheck=bool(conf.get(CONFIG_KEY_RESUMING)) or (task is not None and task in _attempted),
    )


def _config_or_context(conf: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Forward user configurable keys, folded into ``context`` when there is one.

    The Agent Server answers 400 when a run has both ``configurable`` and
    ``context``; it copies one into the other on its side, so sending only
    ``context`` loses nothing.
    """
    forwarded = {
        k: v
        for k, v in conf.items()
        if isinstance(k, str)
        and k not in _PRIVATE_KEYS
        and not k.startswith(_PRIVATE_PREFIXES)
        and _is_plain(v)
    }
    ctx = _as_dict(context)
    if ctx:
        return {"context": {**forwarded, **ctx}}
    return {"config": {"configurable": forwarded}} if forwarded else {}


def _as_dict(context: Any) -> dict[str, Any]:
    if context is None:
        return {}
    if isinstance(context, Mapping):
        return {k: v for k, v in context.items() if _is_plain(v)}
    if hasattr(context, "model_dump"):
        return dict(context.model_dump(mode="json"))
    if hasattr(context, "__dataclass_fields__"):
        return {
            k: getattr(context, k)
            for k in context.__dataclass_fields__
            if _is_plain(getattr(context, k))
        }
    return {}


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def tracing_headers() -> dict[str, str]:
    """Return LangSmith distributed-tracing headers when a trace is active (a new dict)."""
    try:
        from langsmith.run_helpers import get_current_run_tree
    except ImportError:  # pragma: no cover - langsmith ships with langchain-core
        return {}
    run_tree = get_current_run_tree()
    return dict(run_tree.to_headers()) if run_tree is not None else {}


class StreamReader:
    """Fold the stream parts of one run into an ``Outcome``, relaying events to the parent."""

    def __init__(self, request: RemoteRequest) -> None:
        self.request = request
        self.outcome = Outcome()

    def feed(self, event: str, data: Any) -> None:
        """Take one SSE event."""
        mode, _, rest = event.partition(NS_SEP)
        ns = tuple(rest.split(NS_SEP)) if rest else ()
        if mode == "metadata":
            if isinstance(data, Mapping):
                self.outcome.run_id = data.get("run_id")
            return
        if mode == "error":
            self.outcome.error = data if isinstance(data, dict) else {"message": str(data)}
            return
        if not ns:
            if mode == "values" and isinstance(data, dict):
                self.outcome.values = data
            elif mode == "updates" and isinstance(data, dict) and INTERRUPT in data:
                self.outcome.interrupts = list(data[INTERRUPT] or [])
        self._relay(mode, ns, data)

    def _relay(self, mode: str, ns: tuple[str, ...], data: Any) -> None:
        stream = self.request.stream
        if stream is None or mode not in stream.modes:
            return
        if mode == "messages" and isinstance(data, list | tuple) and len(data) == 2:
            meta = dict(data[1]) if isinstance(data[1], Mapping) else {}
            meta["remote"] = self.request.name
            payload: Any = (to_message(data[0]), meta)
        elif mode == "updates" and isinstance(data, Mapping):
            payload = {
                k: [Interrupt(**i) for i in v] if k == INTERRUPT else hydrate(v)
                for k, v in data.items()
            }
        elif mode == "values":
            payload = hydrate(data)
        else:
            payload = data
        stream((self.request.caller_ns + ns, mode, payload))

    def unconfirmed(self) -> str | None:
        """Return the run id when only the thread's state can tell the run really finished.

        A cancelled run's stream just closes, after the state of its last
        finished step, and a rejoined stream looks the same; so a thread run
        that ended without an error or an interrupt is confirmed from its state.
        """
        out = self.outcome
        if self.request.thread_id and out.run_id and out.error is None and not out.interrupts:
            return out.run_id
        return None

    def confirm(self, run_id: str, state: Mapping[str, Any]) -> None:
        """Take the run's result from the thread's state, or record that it did not land."""
        done = settled(run_id, state)
        if done is None:
            self.outcome.error = {
                "error": "IncompleteRun",
                "message": "the remote run stopped before its final step was saved",
                "transient": True,
            }
        else:
            self.outcome.values = done.values

    def finish(self) -> Outcome:
        """Return the outcome, or raise ``RemoteRunError`` for a failed or cut-short run."""
        out, req = self.outcome, self.request
        if out.error is not None:
            err = req.failure(
                str(out.error.get("error", "RemoteError")),
                str(out.error.get("message", "")),
                out.run_id,
            )
            err.transient = out.error.get("transient") is True
            raise err
        if out.values is None and not out.interrupts:
            err = req.failure(
                "IncompleteStream", "the stream ended before the run's final values", out.run_id
            )
            err.transient = True
            raise err
        return out


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


_attempted = _Attempts()


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


def run_sync(request: RemoteRequest) -> Outcome:
    """Run ``request`` with the sync client and return its outcome.

    Reuses the result of an earlier run of the same task when this is a retry
    or a resume after a crash; cancels the remote run if this call is abandoned.
    """
    client = request.clients.sync()
    reader = StreamReader(request)
    created: list[Mapping[str, Any]] = []
    try:
        if request.recheck and request.thread_id and (done := recover_sync(request)):
            return done
        if request.key:
            _attempted.add(request.task or "")
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
        if request.recheck and request.thread_id and (done := await recover_async(request)):
            return done
        if request.key:
            _attempted.add(request.task or "")
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
