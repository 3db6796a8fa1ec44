"""Serve real LangGraph graphs over the Agent Server wire protocol, in-process.

``FakeAgentServer`` is a pytest-httpserver ``HTTPServer`` (threaded, loopback,
free port) whose dispatcher implements the Agent Server routes that
``RemoteGraph`` and the langgraph-sdk clients use. It is fast (no 1 s queue
poll like ``langgraph dev``), records every request and run, and injects
faults per endpoint so resilience code can be tested without a real server.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final, Self

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.pregel import Pregel
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler, make_server

from remote_graphs.testing.deployment import Deployment
from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.faults import Fault, FaultKind, FaultPlan, FaultRule
from remote_graphs.testing.records import RecordedRequest, RequestLog, RunRecord
from remote_graphs.testing.run_executor import API_VERSION
from remote_graphs.testing.runs import ABORT, END, RunState
from remote_graphs.testing.schemas import graph_schemas
from remote_graphs.testing.validation import STREAM_MODES, parse_uuid
from remote_graphs.testing.wire import SSE_HEADERS, json_dumps, json_loads, sse_comment, sse_event

__all__ = ["FakeAgentServer"]

_EXCLUDED_HEADERS: Final = frozenset({"x-api-key", "x-service-key", "x-tenant-id", "authorization"})
_MALFORMED_FRAME: Final = b"event: values\r\ndata: {not json\r\n\r\n"

Handler = Callable[[Request, dict[str, str], list[Fault]], Response]


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip access logging: tests make thousands of requests."""


class _Abort(ConnectionAbortedError):
    """Raised after the socket was shut down on purpose; werkzeug then stays quiet."""


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        json_dumps(body),
        status=status,
        headers=dict(headers or {}),
        content_type="application/json",
    )


def _error(status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    return _json({"detail": detail}, status, headers)


def _kill_connection(request: Request) -> None:
    """Shut the client socket down so the peer sees the connection drop."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise _Abort("connection dropped by an injected fault")


class FakeAgentServer(HTTPServer):
    """A fake LangGraph Agent Server for tests.

    Args:
        graphs: ``{graph_id: compiled graph}``, compiled without a checkpointer.
        port: The port to bind on 127.0.0.1; 0 (default) picks a free one.
        checkpointer: The saver shared by all graphs; a fresh ``InMemorySaver``
            by default.
        configurable_headers: Glob patterns (e.g. ``("x-*",)``) of request
            headers copied into a run's ``configurable``. The real server copies
            none unless ``http.configurable_headers`` is configured, so the
            default is empty. ``x-api-key``, ``x-service-key``, ``x-tenant-id``
            and ``authorization`` are never copied.
        heartbeat_interval: Seconds between ``: heartbeat`` SSE comments.

    Example:
        >>> with FakeAgentServer({"echo": echo_graph}) as server:  # doctest: +SKIP
        ...     RemoteGraph("echo", url=server.url).invoke({"messages": "hi"})
    """

    def __init__(
        self,
        graphs: Mapping[str, Pregel[Any, Any, Any, Any]],
        *,
        port: int = 0,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        configurable_headers: Sequence[str] = (),
        heartbeat_interval: float = 5.0,
    ) -> None:
        super().__init__(host="127.0.0.1", port=port, threaded=True)
        self.records = RequestLog()
        self.faults = FaultPlan()
        self.deployment = Deployment(graphs, self.records, lambda: self.url, checkpointer)
        self.heartbeat_interval = heartbeat_interval
        self._header_patterns = [re.compile(_glob(p)) for p in configurable_headers]
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._add_routes()

    # -- public API ------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (valid once started)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> tuple[RecordedRequest, ...]:
        """Every request received so far, oldest first."""
        return self.records.requests

    @property
    def runs(self) -> tuple[RunRecord, ...]:
        """Every run that started executing, in start order."""
        return self.records.runs

    def requests_to(
        self, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """Return requests by method and path pattern (``*``/``{name}`` = one segment)."""
        return self.records.requests_to(method, path)

    def runs_on(self, thread_id: str) -> list[RunRecord]:
        """Return the runs that executed on one thread, in start order."""
        return [r for r in self.runs if r.thread_id == str(thread_id)]

    def runs_of(self, graph_id: str) -> list[RunRecord]:
        """Return the runs of one graph, in start order."""
        return [r for r in self.runs if r.graph_id == graph_id]

    def inject(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        path: str = "/**",
        times: int | None = None,
    ) -> FaultRule:
        """Inject ``fault`` into matching requests.

        Args:
            fault: What to do, e.g. ``Fault.status(429, headers={"Retry-After": "1"})``.
            method: Only requests with this method (any when None).
            path: A path pattern such as ``/threads/*/runs/stream``; ``/**`` is all.
            times: Fire on the next ``times`` matching requests only (always when None).

        Returns:
            The rule; its ``hits`` attribute counts the requests it fired on.
        """
        return self.faults.add(fault, method=method, path=path, times=times)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def wait_for_runs(self, timeout: float = 10.0) -> None:
        """Block until no run is pending or running (e.g. after a cut stream)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.deployment.lock:
                active = [r for r in self.deployment.runs.values() if r.active]
            if not active:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not active[0].done.wait(remaining):
                raise TimeoutError(f"{len(active)} run(s) still active after {timeout}s")

    def start(self) -> None:
        """Start the run loop and the listener (again on the same port after stop)."""
        if self.is_running():
            raise RuntimeError("the fake Agent Server is already running")
        self.deployment.start()
        self.server = make_server(
            self.host,
            self.port,
            Request.application(self.application),
            threaded=True,
            request_handler=_QuietHandler,
        )
        self.port = self.server.port
        self.server_thread = threading.Thread(
            target=self.thread_target, name=f"fake-agent-server-{self.port}", daemon=True
        )
        self.server_thread.start()

    def stop(self) -> None:
        """Stop listening, cut open streams and cancel unfinished runs.

        Threads and checkpoints are kept, so ``start()`` afterwards behaves like
        a restarted server with persistent storage. Connections to ``url`` are
        refused while stopped.
        """
        server = self.server
        if server is not None:
            super().stop()
            server.server_close()
        self.deployment.stop()

    def thread_target(self) -> None:
        """Serve with a short poll interval so ``stop()`` returns quickly."""
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.01)

    def __enter__(self) -> Self:
        if not self.is_running():
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.is_running():
            self.stop()
        else:
            self.deployment.stop()

    # -- dispatch --------------------------------------------------------------

    def application(self, request: Request) -> Response:
        """Serve one request (overrides pytest-httpserver's handler matching)."""
        return self.dispatch(request)

    def dispatch(self, request: Request) -> Response:
        """Record the request, apply faults, then route it."""
        raw = request.get_data()
        try:
            body = json_loads(raw) if raw else None
        except ValueError:
            body = None
        path = request.path
        self.records.add_request(
            RecordedRequest(
                method=request.method,
                path=path,
                query=dict(request.args.items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                raw_body=raw,
                time=time.monotonic(),
            )
        )
        faults = self.faults.take(request.method, path)
        delay = sum(f.seconds for f in faults if f.kind is FaultKind.LATENCY)
        if delay:
            time.sleep(delay)
        for fault in faults:
            if fault.kind is FaultKind.DISCONNECT:
                _kill_connection(request)
            if fault.kind is FaultKind.STATUS:
                return _fault_response(fault)
        stream_faults = [f for f in faults if f.is_stream_fault]
        try:
            return self._route(request, path, stream_faults)
        except ApiError as exc:
            return _error(exc.status, exc.detail, exc.headers)
        except Exception:
            return Response(
                "Internal Server Error", status=500, content_type="text/plain; charset=utf-8"
            )

    def _route(self, request: Request, path: str, faults: list[Fault]) -> Response:
        allowed: list[str] = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            return handler(request, match.groupdict(), faults)
        if allowed:
            return _error(405, "Method Not Allowed", {"allow": ", ".join(allowed)})
        return _error(404, "Not Found")

    def _add_routes(self) -> None:
        def add(method: str, pattern: str, handler: Handler) -> None:
            regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
            self._routes.append((method, re.compile(regex), handler))

        add("GET", "/ok", lambda r, p, f: _json({"ok": True, "services": {}}))
        add("GET", "/info", self._info)
        add("POST", "/assistants/search", self._search_assistants)
        add("GET", "/assistants/{aid}", self._get_assistant)
        add("GET", "/assistants/{aid}/graph", self._get_graph)
        add("GET", "/assistants/{aid}/schemas", self._get_schemas)
        add("POST", "/threads", self._create_thread)
        add("GET", "/threads/{tid}", lambda r, p, f: _json(self.deployment.get_thread(p["tid"])))
        add("GET", "/threads/{tid}/state", self._get_state)
        add("POST", "/threads/{tid}/state", self._update_state)
        add("POST", "/threads/{tid}/state/checkpoint", self._get_state_at)
        add("GET", "/threads/{tid}/state/{cid}", self._get_state_by_id)
        add("POST", "/threads/{tid}/history", self._history)
        add("POST", "/threads/{tid}/runs/stream", self._stream_run)
        add("POST", "/runs/stream", self._stream_run)
        add("POST", "/threads/{tid}/runs/wait", self._wait_run)
        add("POST", "/runs/wait", self._wait_run)
        add("POST", "/threads/{tid}/runs", self._create_background_run)
        add("POST", "/runs", self._create_background_run)
        add("GET", "/threads/{tid}/runs", self._list_runs)
        add("GET", "/threads/{tid}/runs/{rid}", self._get_run)
        add("GET", "/threads/{tid}/runs/{rid}/join", self._join_run)
        add("GET", "/threads/{tid}/runs/{rid}/stream", self._join_stream)
        add("POST", "/threads/{tid}/runs/{rid}/cancel", self._cancel_run)

    # -- helpers ---------------------------------------------------------------

    def _header_allowed(self, name: str) -> bool:
        name = name.lower()
        if name in _EXCLUDED_HEADERS:
            return False
        return any(p.fullmatch(name) for p in self._header_patterns)

    @staticmethod
    def _body(
        request: Request, *, required: bool = True, schema: str = "RunCreateStateful"
    ) -> dict[str, Any]:
        raw = request.get_data()
        if not raw:
            if required:
                raise ApiError(422, "Invalid JSON in request body")
            return {}
        try:
            body = json_loads(raw)
        except ValueError:
            raise ApiError(422, "Invalid JSON in request body") from None
        if not isinstance(body, dict):
            raise ApiError(
                422,
                f'{json_dumps(body).decode()} is not of type "object"\n\n'
                f'Failed validating "type" in schema["components"]["schemas"]["{schema}"]',
            )
        return body

    def _run_body(self, request: Request, stateless: bool) -> dict[str, Any]:
        schema = "RunCreateStateless" if stateless else "RunCreateStateful"
        body = self._body(request, schema=schema)
        if "assistant_id" not in body:
            raise ApiError(
                422,
                '"assistant_id" is a required property\n\nFailed validating "required" in '
                f'schema["components"]["schemas"]["{schema}"]',
            )
        mode = body.get("stream_mode")
        if mode is not None:
            modes = [mode] if isinstance(mode, str) else mode
            if not isinstance(modes, list) or any(m not in STREAM_MODES for m in modes):
                raise ApiError(
                    422,
                    f"{json_dumps(mode).decode()} is not valid under any of the schemas listed "
                    f"in the 'anyOf' keyword\n\nFailed validating \"anyOf\" in "
                    f'schema["components"]["schemas"]["{schema}"]["properties"]["stream_mode"]',
                )
        return body

    def _start_run(
        self, request: Request, params: dict[str, str], *, streaming_path: bool
    ) -> tuple[RunState, queue.SimpleQueue[Any]]:
        stateless = "tid" not in params
        body = self._run_body(request, stateless)
        thread_id = None
        if not stateless:
            thread_id = (
                parse_uuid(params["tid"], 400)
                if streaming_path
                else parse_uuid(params["tid"], 422, "Invalid thread ID")
            )
        headers = {k.lower(): v for k, v in request.headers.items()}
        return self.deployment.create_run(
            thread_id, body, headers, header_filter=self._header_allowed
        )

    # -- routes: server and assistants -------------------------------------------

    def _info(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        import langgraph.version

        return _json(
            {
                "version": API_VERSION,
                "langgraph_py_version": langgraph.version.__version__,
                "flags": {
                    "assistants": True,
                    "crons": True,
                    "langsmith": False,
                    "langsmith_tracing_replicas": True,
                    "langsmith_tracing_session_on_runs": True,
                },
                "host": {
                    "kind": "self-hosted",
                    "project_id": None,
                    "host_revision_id": None,
                    "revision_id": None,
                    "tenant_id": None,
                },
            }
        )

    def _search_assistants(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        body = self._body(request, required=False, schema="AssistantSearchRequest")
        page, headers = self.deployment.assistants.search(body)
        return _json(page, headers=headers)

    def _get_assistant(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        return _json(self.deployment.assistants.by_path_id(params["aid"]))

    def _get_graph(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        assistant = self.deployment.assistants.by_path_id(params["aid"], allow_name=True)
        raw = request.args.get("xray")
        xray: bool | int = False
        if raw in ("true", "True"):
            xray = True
        elif raw and raw not in ("false", "False"):
            try:
                xray = int(raw)
            except ValueError:
                raise ApiError(422, "Invalid xray value") from None
            if xray <= 0:
                raise ApiError(422, "Invalid xray value")
        graph = self.deployment.graphs[assistant["graph_id"]]
        drawable = graph.get_graph(xray=xray).to_json()
        for node in drawable.get("nodes", []):
            data = node.get("data")
            if isinstance(data, dict):
                data.pop("id", None)
        return _json(drawable)

    def _get_schemas(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        assistant = self.deployment.assistants.by_path_id(params["aid"])
        graph = self.deployment.graphs[assistant["graph_id"]]
        return _json({"graph_id": assistant["graph_id"], **graph_schemas(graph)})

    # -- routes: threads ---------------------------------------------------------

    def _create_thread(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        body = self._body(request, required=False, schema="ThreadCreate")
        return _json(self.deployment.create_thread(body))

    def _get_state(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        subgraphs = request.args.get("subgraphs", "false").lower() in ("true", "1")
        return _json(self.deployment.get_state(params["tid"], subgraphs=subgraphs))

    def _get_state_at(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        body = self._body(request, schema="ThreadStateCheckpointRequest")
        checkpoint = body.get("checkpoint") if isinstance(body.get("checkpoint"), dict) else {}
        return _json(
            self.deployment.get_state(params["tid"], checkpoint, bool(body.get("subgraphs")))
        )

    def _get_state_by_id(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        state = self.deployment.get_state(params["tid"], {"checkpoint_id": params["cid"]})
        if isinstance(state.get("checkpoint"), dict):
            state["checkpoint"].pop("checkpoint_ns", None)
        return _json(state)

    def _update_state(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        body = self._body(request, schema="ThreadStateUpdate")
        return _json(self.deployment.update_state(params["tid"], body))

    def _history(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        body = self._body(request, required=False, schema="ThreadStateSearch")
        return _json(self.deployment.get_history(params["tid"], body))

    # -- routes: runs --------------------------------------------------------------

    def _stream_run(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        run, subscription = self._start_run(request, params, streaming_path=True)
        body = self._parsed(request)
        cancel_on_disconnect = body.get("on_disconnect") == "cancel"
        if "tid" in params:
            base = f"/threads/{run.thread_id}/runs/{run.run_id}"
        else:
            base = f"/runs/{run.run_id}"
        return self._sse_response(
            request, run, subscription, base, faults, cancel_on_disconnect=cancel_on_disconnect
        )

    def _join_stream(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        run = self.deployment.get_run(params["tid"], params["rid"])
        last_id = request.headers.get("Last-Event-ID")
        subscription = run.subscribe(replay_after=last_id if run.resumable else None)
        base = f"/threads/{run.thread_id}/runs/{run.run_id}"
        cancel = request.args.get("cancel_on_disconnect", "false").lower() in ("true", "yes", "1")
        return self._sse_response(
            request, run, subscription, base, faults, cancel_on_disconnect=cancel
        )

    def _sse_response(
        self,
        request: Request,
        run: RunState,
        subscription: queue.SimpleQueue[Any],
        base: str,
        faults: list[Fault],
        *,
        cancel_on_disconnect: bool,
    ) -> Response:
        fault = faults[0] if faults else None
        interval = self.heartbeat_interval
        deployment = self.deployment

        def frames() -> Iterator[bytes]:
            sent = 0
            start = time.monotonic()
            beats = 1
            finished = False
            try:
                while True:
                    if fault is not None and sent >= fault.after_events:
                        break
                    timeout = max(0.0, start + beats * interval - time.monotonic())
                    try:
                        item = subscription.get(timeout=timeout)
                    except queue.Empty:
                        beats += 1
                        yield sse_comment("heartbeat")
                        continue
                    if item is END:
                        finished = True
                        break
                    if item is ABORT:
                        _kill_connection(request)
                    yield item
                    sent += 1
                if fault is not None:
                    if fault.kind is FaultKind.CUT_STREAM:
                        _kill_connection(request)
                    elif fault.kind is FaultKind.MALFORMED_SSE:
                        yield _MALFORMED_FRAME
                    else:
                        yield sse_event("error", {"error": fault.error, "message": fault.message})
                    finished = True
            finally:
                run.unsubscribe(subscription)
                if not finished and cancel_on_disconnect and run.active:
                    deployment.cancel(run)

        headers = [("location", f"{base}/stream"), ("content-location", base), *SSE_HEADERS]
        return Response(frames(), status=200, headers=headers, direct_passthrough=True)

    def _wait_run(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        run, subscription = self._start_run(request, params, streaming_path=True)
        run.unsubscribe(subscription)
        base = f"/threads/{run.thread_id}/runs/{run.run_id}"
        return self._wait_response(
            run, base, {"location": f"{base}/join", "content-location": base}
        )

    def _join_run(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        run = self.deployment.get_run(params["tid"], params["rid"])
        return self._wait_response(run, None, {})

    def _wait_response(self, run: RunState, base: str | None, headers: dict[str, str]) -> Response:
        interval = self.heartbeat_interval
        deployment = self.deployment

        def chunks() -> Iterator[bytes]:
            while not run.done.wait(interval):
                yield b"\n"
            result = run.result
            if result is None:
                result = deployment.thread_values(run.thread_id) or {}
            yield json_dumps(result)

        return Response(
            chunks(),
            status=200,
            headers=headers,
            content_type="application/json",
            direct_passthrough=True,
        )

    def _create_background_run(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        run, subscription = self._start_run(request, params, streaming_path=False)
        run.unsubscribe(subscription)
        location = (
            f"/threads/{params['tid']}/runs/{run.run_id}"
            if "tid" in params
            else f"/runs/{run.run_id}"
        )
        wire = run.to_wire()
        wire["status"] = "pending"
        return _json(wire, headers={"content-location": location})

    def _list_runs(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        limit = int(request.args.get("limit", 10))
        offset = int(request.args.get("offset", 0))
        return _json(self.deployment.list_runs(params["tid"], limit, offset))

    def _get_run(self, request: Request, params: dict[str, str], faults: list[Fault]) -> Response:
        return _json(self.deployment.get_run(params["tid"], params["rid"]).to_wire())

    def _cancel_run(
        self, request: Request, params: dict[str, str], faults: list[Fault]
    ) -> Response:
        run = self.deployment.get_run(params["tid"], params["rid"])
        if not run.active:
            raise ApiError(
                404,
                "No matching runs to cancel. Please verify the thread ID and run IDs are correct, "
                "and the runs haven't been deleted or completed.",
            )
        self.deployment.cancel(run, request.args.get("action", "interrupt"))
        if request.args.get("wait", "0").lower() in ("1", "true"):
            run.done.wait(30)
            base = f"/threads/{run.thread_id}/runs/{run.run_id}"
            return _json({}, headers={"location": f"{base}/join", "content-location": base})
        return Response(b"", status=202)

    @staticmethod
    def _parsed(request: Request) -> dict[str, Any]:
        try:
            body = json_loads(request.get_data() or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


def _glob(pattern: str) -> str:
    """Translate a header glob (only ``*`` is special) to a regex."""
    return ".*".join(re.escape(part) for part in pattern.lower().split("*"))


def _fault_response(fault: Fault) -> Response:
    """Build the response of a ``Fault.status``."""
    body = fault.body
    if body is None:
        try:
            body = {"detail": HTTPStatus(fault.status_code).phrase}
        except ValueError:
            body = {"detail": "Injected fault"}
    headers = dict(fault.headers)
    if isinstance(body, bytes | str):
        data = body.encode() if isinstance(body, str) else body
        headers.setdefault("content-type", "text/plain; charset=utf-8")
        return Response(data, status=fault.status_code, headers=headers)
    return _json(body, fault.status_code, headers)
