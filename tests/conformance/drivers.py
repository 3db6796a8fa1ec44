"""Run one scripted scenario against a server through one kind of client.

A scenario is a list of `Step`s. A driver turns each step into a call of its
client (the sync or async SDK, sync or async `RemoteGraph`, or raw httpx),
and records what came back, or the error, as JSON. It also records every
HTTP exchange the client made (`POST /threads/<id>/runs/stream 200`), so extra
or missing requests, such as the SDK's run check after a stream, show up too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from langgraph.pregel.remote import RemoteGraph
from langgraph.types import Command
from langgraph_sdk import get_client, get_sync_client
from pydantic import BaseModel

from .diff import parse_sse

REF_RE = re.compile(r"\$(?:assistant:)?[a-z_][a-z0-9_]*")
NAMESPACE = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")


@dataclass(frozen=True)
class Step:
    """One call: an operation name, its arguments, and values to remember from its result.

    Arguments may refer to earlier values: `"$t"` is the value saved as `t`,
    `"$new"` a fresh UUID and `"$assistant:echo"` the system assistant id of a graph.
    `save` maps a name to a path into the result, e.g. `{"run": (0, 1, "run_id")}`.
    """

    op: str
    args: Mapping[str, Any] = field(default_factory=dict)
    save: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


def step(op: str, save: Mapping[str, tuple[Any, ...]] | None = None, **args: Any) -> Step:
    """Build a `Step` tersely."""
    return Step(op, args, save or {})


def until(check: Step, path: tuple[Any, ...], equals: Any) -> Step:
    """Wait (polling `check`) until the value at `path` in its result equals `equals`.

    Used to reach a state both servers pass through at their own pace, such as
    a run that has written its first checkpoint, without a fixed sleep. It
    records no output and no traffic.
    """
    return Step("until", {"check": check, "path": path, "equals": equals})


UNTIL_TIMEOUT = 30.0
CLIENT_TIMEOUT = httpx.Timeout(30.0)
"""Every request of every client times out: a server that stops answering fails the case."""


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    try:
        for key in path:
            value = value[key]
    except (KeyError, IndexError, TypeError):
        return None
    return value


@dataclass
class Trace:
    """What a scenario produced: one output per step, the HTTP exchanges, the connections.

    A scenario's client sends its requests one after the other, so a server
    that keeps connections alive serves them all on one connection; counting
    the client's local ports shows whether it did.
    """

    outputs: list[Any] = field(default_factory=list)
    traffic: list[str] = field(default_factory=list)
    client_ports: set[int] = field(default_factory=set)
    muted: bool = False
    """While True (an `until` step polls), exchanges are not noted: their number is timing."""

    def record(self, response: httpx.Response) -> None:
        """Note one HTTP exchange (an httpx response hook)."""
        if not self.muted:
            self.traffic.append(_exchange(response))
        stream = response.extensions.get("network_stream")
        address = stream.get_extra_info("client_addr") if stream is not None else None
        if address:
            self.client_ports.add(address[1])

    async def arecord(self, response: httpx.Response) -> None:
        """Note one HTTP exchange (an async httpx response hook)."""
        self.record(response)

    def as_json(self) -> dict[str, Any]:
        """Return the trace as one JSON-like value."""
        return {
            "outputs": self.outputs,
            "traffic": self.traffic,
            "connections": len(self.client_ports),
        }


def assistant_id(graph: str) -> str:
    """Return the id the server gives the system assistant of `graph`."""
    return str(uuid.uuid5(NAMESPACE, graph))


def jsonable(value: Any) -> Any:
    """Turn SDK and langgraph results (messages, snapshots, tuples) into JSON values."""
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump())
    if hasattr(value, "_asdict"):  # NamedTuples: StateSnapshot, PregelTask, StreamPart
        return {k: jsonable(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_json"):  # a drawable graph
        return jsonable(value.to_json())
    return repr(value)


def error_output(exc: BaseException) -> dict[str, Any]:
    """Describe an error by class, and by status and detail for HTTP errors."""
    out: dict[str, Any] = {"error": type(exc).__name__}
    if isinstance(exc, httpx.HTTPStatusError):
        out["status"] = exc.response.status_code
        out["message"] = str(exc)
        try:
            out["detail"] = exc.response.json().get("detail")
        except (ValueError, AttributeError, httpx.ResponseNotRead):
            out["body"] = exc.response.text if exc.response.is_closed else None
    else:
        out["message"] = str(exc)
    return out


class Context:
    """Values saved by earlier steps, and the resolution of `$` references."""

    def __init__(self) -> None:
        self.saved: dict[str, Any] = {}

    def resolve(self, value: Any) -> Any:
        """Replace `$` references inside an argument value."""
        if isinstance(value, str) and REF_RE.fullmatch(value):
            return self._lookup(value[1:])
        if isinstance(value, str) and "$" in value:  # references inside a path
            return REF_RE.sub(lambda m: str(self._lookup(m.group()[1:])), value)
        if isinstance(value, Mapping):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _lookup(self, ref: str) -> Any:
        if ref == "new":
            return str(uuid.uuid4())
        if ref.startswith("assistant:"):
            return assistant_id(ref.split(":", 1)[1])
        return self.saved[ref]

    def remember(self, s: Step, output: Any) -> None:
        """Save the parts of an output that later steps refer to."""
        for name, path in s.save.items():
            value = output
            try:
                for key in path:
                    value = value[key]
            except (KeyError, IndexError, TypeError):
                continue  # an error output; steps that use the name will fail visibly
            self.saved[name] = value


# --- SDK -------------------------------------------------------------------------

Call = Callable[[Any, dict[str, Any]], Any]


def _stream_kwargs(a: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in a.items() if k not in ("thread_id", "assistant_id")}
    if "command" in kwargs:
        kwargs["command"] = dict(kwargs["command"])
    return kwargs


def _run_kwargs(a: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Split a run step's arguments into the SDK's (thread_id, assistant_id) and the rest."""
    return [a.get("thread_id"), a["assistant_id"]], _stream_kwargs(a)


def _on_run(method: str) -> Call:
    """Call a ``client.runs`` method taking ``(thread_id, run_id, **options)``."""
    return lambda c, a: getattr(c.runs, method)(
        a["thread_id"],
        a["run_id"],
        **{k: v for k, v in a.items() if k not in ("thread_id", "run_id")},
    )


def _with_id(resource: str, method: str, key: str) -> Call:
    """Call ``client.<resource>.<method>(<id>, **options)``."""
    return lambda c, a: getattr(getattr(c, resource), method)(
        a[key], **{k: v for k, v in a.items() if k != key}
    )


def _until_runs_done(parts: Any, runs: int) -> Any:
    """Read a thread stream (which never ends) until `runs` runs have reported done."""

    deadline = time.monotonic() + UNTIL_TIMEOUT

    def done(part: Any) -> bool:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the thread stream did not report {runs} run(s) done")
        return part.event == "metadata" and part.data.get("status") == "run_done"

    if inspect.isasyncgen(parts) or inspect.isawaitable(parts):

        async def collect() -> list[Any]:
            stream = await parts if inspect.isawaitable(parts) else parts
            seen: list[Any] = []
            async for part in stream:
                seen.append([part.event, jsonable(part.data)])
                if (
                    done(part)
                    and sum(1 for e, d in seen if e == "metadata" and "status" in d) >= runs
                ):
                    break
            await stream.aclose()
            return seen

        return collect()
    seen: list[Any] = []
    for part in parts:
        seen.append([part.event, jsonable(part.data)])
        if done(part) and sum(1 for e, d in seen if e == "metadata" and "status" in d) >= runs:
            break
    parts.close()
    return seen


SDK_CALLS: dict[str, Call] = {
    "search_assistants": lambda c, a: c.assistants.search(**a),
    "count_assistants": lambda c, a: c.assistants.count(**a),
    "create_assistant": lambda c, a: c.assistants.create(**a),
    "get_assistant": lambda c, a: c.assistants.get(a["assistant_id"]),
    "update_assistant": _with_id("assistants", "update", "assistant_id"),
    "delete_assistant": _with_id("assistants", "delete", "assistant_id"),
    "get_versions": _with_id("assistants", "get_versions", "assistant_id"),
    "set_latest": _with_id("assistants", "set_latest", "assistant_id"),
    "get_graph": lambda c, a: c.assistants.get_graph(a["assistant_id"], xray=a.get("xray", False)),
    "get_schemas": lambda c, a: c.assistants.get_schemas(a["assistant_id"]),
    "get_subgraphs": _with_id("assistants", "get_subgraphs", "assistant_id"),
    "create_thread": lambda c, a: c.threads.create(**a),
    "get_thread": lambda c, a: c.threads.get(a["thread_id"]),
    "update_thread": _with_id("threads", "update", "thread_id"),
    "delete_thread": lambda c, a: c.threads.delete(a["thread_id"]),
    "search_threads": lambda c, a: c.threads.search(**a),
    "count_threads": lambda c, a: c.threads.count(**a),
    "copy_thread": lambda c, a: c.threads.copy(a["thread_id"]),
    "join_thread_stream": lambda c, a: _until_runs_done(
        c.threads.join_stream(a["thread_id"], last_event_id=a.get("last_event_id")), a["runs"]
    ),
    "prune_threads": lambda c, a: c.threads.prune(**a),
    "get_state": lambda c, a: c.threads.get_state(**a),
    "update_state": lambda c, a: c.threads.update_state(**a),
    "get_history": lambda c, a: c.threads.get_history(**a),
    "stream": lambda c, a: c.runs.stream(*_run_kwargs(a)[0], **_run_kwargs(a)[1]),
    "wait": lambda c, a: c.runs.wait(*_run_kwargs(a)[0], **_run_kwargs(a)[1]),
    "create_run": lambda c, a: c.runs.create(*_run_kwargs(a)[0], **_run_kwargs(a)[1]),
    "create_batch": lambda c, a: c.runs.create_batch(a["payloads"]),
    "list_runs": _with_id("runs", "list", "thread_id"),
    "get_run": lambda c, a: c.runs.get(a["thread_id"], a["run_id"]),
    "join": _on_run("join"),
    "join_stream": _on_run("join_stream"),
    "cancel_run": _on_run("cancel"),
    "cancel_many": lambda c, a: c.runs.cancel_many(**a),
    "delete_run": _on_run("delete"),
    "put_item": lambda c, a: c.store.put_item(**a),
    "get_item": lambda c, a: c.store.get_item(**a),
    "delete_item": lambda c, a: c.store.delete_item(**a),
    "search_items": lambda c, a: c.store.search_items(**a),
    "list_namespaces": lambda c, a: c.store.list_namespaces(**a),
    "http_get": lambda c, a: c.http.get(a["path"]),
    "http_post": lambda c, a: c.http.post(a["path"], json=a.get("json")),
}


def _stream_output(parts: list[Any]) -> list[Any]:
    return [[p.event, jsonable(p.data)] for p in parts]


def _poll(s: Step, trace: Trace, ctx: Context, call: Callable[[Step, dict[str, Any]], Any]) -> None:
    """Carry out an `until` step with a sync `call`."""
    check: Step = s.args["check"]
    deadline = time.monotonic() + UNTIL_TIMEOUT
    trace.muted = True
    try:
        while (
            _at(jsonable(call(check, ctx.resolve(dict(check.args)))), s.args["path"])
            != (s.args["equals"])
        ):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"until {check.op}: {s.args['path']} never became {s.args['equals']}"
                )
            time.sleep(0.05)
    finally:
        trace.muted = False


async def _apoll(
    s: Step, trace: Trace, ctx: Context, call: Callable[[Step, dict[str, Any]], Any]
) -> None:
    """Carry out an `until` step with an async `call`."""
    check: Step = s.args["check"]
    deadline = time.monotonic() + UNTIL_TIMEOUT
    trace.muted = True
    try:
        while (
            _at(jsonable(await call(check, ctx.resolve(dict(check.args)))), s.args["path"])
            != (s.args["equals"])
        ):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"until {check.op}: {s.args['path']} never became {s.args['equals']}"
                )
            await asyncio.sleep(0.05)
    finally:
        trace.muted = False


def _drive(steps: list[Step], trace: Trace, call: Callable[[Step, dict[str, Any]], Any]) -> Trace:
    """Run steps one by one with a sync `call`, recording outputs or errors."""
    ctx = Context()
    for s in steps:
        if s.op == "new_id":  # a client-side id, e.g. for a thread the server will create
            ctx.saved[s.args["name"]] = str(uuid.uuid4())
            continue
        if s.op == "until":
            _poll(s, trace, ctx, call)
            continue
        try:
            output = jsonable(call(s, ctx.resolve(dict(s.args))))
        except Exception as exc:
            output = error_output(exc)
        ctx.remember(s, output)
        trace.outputs.append(output)
    return trace


async def _adrive(
    steps: list[Step], trace: Trace, call: Callable[[Step, dict[str, Any]], Any]
) -> Trace:
    """Run steps with an async `call`, which may return an awaitable or an async iterator."""
    ctx = Context()
    for s in steps:
        if s.op == "new_id":
            ctx.saved[s.args["name"]] = str(uuid.uuid4())
            continue
        if s.op == "until":
            await _apoll(s, trace, ctx, call)
            continue
        try:
            result = call(s, ctx.resolve(dict(s.args)))
            if inspect.isasyncgen(result):
                output = jsonable([x async for x in result])
            else:
                output = jsonable(await result)
        except Exception as exc:
            output = error_output(exc)
        ctx.remember(s, output)
        trace.outputs.append(output)
    return trace


def _sdk_result(result: Any) -> Any:
    return _stream_output(list(result)) if inspect.isgenerator(result) else result


async def _asdk_result(result: Any) -> Any:
    if inspect.isasyncgen(result):
        return _stream_output([p async for p in result])
    if inspect.isawaitable(result):
        return await result
    return result


def run_sdk_sync(url: str, steps: list[Step]) -> Trace:
    """Run steps with the sync SDK client."""
    trace = Trace()
    with get_sync_client(url=url, api_key=None, timeout=CLIENT_TIMEOUT) as client:
        client.http.client.event_hooks["response"] = [trace.record]
        return _drive(steps, trace, lambda s, a: _sdk_result(SDK_CALLS[s.op](client, a)))


async def _run_sdk_async(url: str, steps: list[Step]) -> Trace:
    trace = Trace()
    async with get_client(url=url, api_key=None, timeout=CLIENT_TIMEOUT) as client:
        client.http.client.event_hooks["response"] = [trace.arecord]
        return await _adrive(steps, trace, lambda s, a: _asdk_result(SDK_CALLS[s.op](client, a)))


def run_sdk_async(url: str, steps: list[Step]) -> Trace:
    """Run steps with the async SDK client, in a fresh event loop."""
    return asyncio.run(_run_sdk_async(url, steps))


# --- RemoteGraph -------------------------------------------------------------------

RG_METHODS = {  # op -> (sync method, async method)
    "rg_invoke": ("invoke", "ainvoke"),
    "rg_stream": ("stream", "astream"),
    "rg_get_state": ("get_state", "aget_state"),
    "rg_get_state_history": ("get_state_history", "aget_state_history"),
    "rg_update_state": ("update_state", "aupdate_state"),
    "rg_get_graph": ("get_graph", "aget_graph"),
}


def _rg_call(op: str, a: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Turn step arguments into the positional and keyword arguments of a RemoteGraph method."""
    a = dict(a)
    a.pop("graph")
    thread = a.pop("thread", None)
    config: dict[str, Any] | None = {"configurable": {"thread_id": thread}} if thread else None
    if "metadata" in a:
        config = {**(config or {}), "metadata": a.pop("metadata")}
    if op in ("rg_invoke", "rg_stream"):
        value = Command(resume=a.pop("resume")) if "resume" in a else a.pop("input")
        return [value, config], a
    if op == "rg_update_state":
        return [config, a.pop("values")], a
    if op in ("rg_get_state", "rg_get_state_history"):
        return [config], a
    return [], a


def run_rg_sync(url: str, steps: list[Step]) -> Trace:
    """Run steps with `RemoteGraph`'s sync methods (one RemoteGraph per step)."""
    trace = Trace()
    with get_sync_client(url=url, api_key=None, timeout=CLIENT_TIMEOUT) as client:
        client.http.client.event_hooks["response"] = [trace.record]

        def call(s: Step, a: dict[str, Any]) -> Any:
            remote = RemoteGraph(a["graph"], sync_client=client)
            args, kwargs = _rg_call(s.op, a)
            result = getattr(remote, RG_METHODS[s.op][0])(*args, **kwargs)
            return list(result) if inspect.isgenerator(result) else result

        return _drive(steps, trace, call)


async def _run_rg_async(url: str, steps: list[Step]) -> Trace:
    trace = Trace()
    async with get_client(url=url, api_key=None, timeout=CLIENT_TIMEOUT) as client:
        client.http.client.event_hooks["response"] = [trace.arecord]

        def call(s: Step, a: dict[str, Any]) -> Any:
            remote = RemoteGraph(a["graph"], client=client)
            args, kwargs = _rg_call(s.op, a)
            return getattr(remote, RG_METHODS[s.op][1])(*args, **kwargs)

        return await _adrive(steps, trace, call)


def run_rg_async(url: str, steps: list[Step]) -> Trace:
    """Run steps with `RemoteGraph`'s async methods, in a fresh event loop."""
    return asyncio.run(_run_rg_async(url, steps))


# --- raw HTTP ----------------------------------------------------------------------

# Response headers whose presence and (normalised) value are part of the protocol.
RAW_HEADERS = (
    "content-type",
    "location",
    "content-location",
    "x-pagination-total",
    "x-pagination-next",
    "allow",
)


def run_raw(url: str, steps: list[Step]) -> Trace:
    """Send exact requests with httpx and record status, headers and parsed body.

    Step ops are HTTP methods; args are `path`, either `json` or `content`
    (raw bytes, for malformed bodies), and optional `headers`. The status is
    recorded with its reason phrase. SSE bodies are parsed into events.
    """
    trace = Trace()
    with httpx.Client(
        base_url=url, timeout=CLIENT_TIMEOUT, event_hooks={"response": [trace.record]}
    ) as client:

        def call(s: Step, a: dict[str, Any]) -> Any:
            response = client.request(
                s.op,
                a["path"],
                json=a.get("json"),
                content=a.get("content"),
                headers=a.get("headers"),
            )
            response.read()
            return {
                "status": f"{response.status_code} {response.reason_phrase}",
                "headers": _headers(response),
                "body": _raw_body(response),
            }

        return _drive(steps, trace, call)


def _headers(response: httpx.Response) -> dict[str, str]:
    """Return the protocol headers; `allow` sorted, as the real server's order is a set's."""
    found = {h: response.headers[h] for h in RAW_HEADERS if h in response.headers}
    if "allow" in found:
        found["allow"] = ", ".join(sorted(m.strip() for m in found["allow"].split(",")))
    return found


def _raw_body(response: httpx.Response) -> Any:
    kind = response.headers.get("content-type", "")
    if kind.startswith("text/event-stream"):
        return [[event, data] for event, data in parse_sse(response.text)]
    if kind.startswith("application/json"):
        return json.loads(response.text)
    return response.text


def _exchange(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url.raw_path.decode()} {response.status_code}"


DRIVERS: dict[str, Callable[[str, list[Step]], Trace]] = {
    "sdk-sync": run_sdk_sync,
    "sdk-async": run_sdk_async,
    "rg-sync": run_rg_sync,
    "rg-async": run_rg_async,
    "raw": run_raw,
}
