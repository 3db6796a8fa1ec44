"""Serve real LangGraph graphs over the Agent Server wire protocol, in-process.

``FakeAgentServer`` is a pytest-httpserver ``HTTPServer`` (threaded, loopback,
free port) whose WSGI application implements the Agent Server routes that
``RemoteGraph`` and the langgraph-sdk clients call. It is fast (no 1 s queue
poll like ``langgraph dev``), records every request and run, and injects
faults per endpoint so resilience code can be tested without a real server.

Connections are kept alive between requests, as uvicorn keeps them: werkzeug's
own request handler closes every connection after one response, so clients
that reuse connections would never be exercised. The handler here speaks
HTTP/1.1 with keep-alive (chunked bodies when the length is unknown) and the
server closes every open connection when it stops.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.pregel import Pregel
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from remote_graphs.testing.api import build_router
from remote_graphs.testing.faults import (
    ConnectionDropped,
    Fault,
    FaultPlan,
    FaultRule,
    apply_request_faults,
)
from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.records import RecordedRequest, RequestLog, RunRecord
from remote_graphs.testing.route import (
    ApiError,
    ApiRequest,
    error_response,
    internal_error_response,
    with_reason_phrase,
)
from remote_graphs.testing.run import ConfigurableHeaders
from remote_graphs.testing.worker import Worker

__all__ = ["FakeAgentServer"]


class _KeepAliveHandler(WSGIRequestHandler):
    """An HTTP/1.1 handler that keeps connections open between responses.

    werkzeug's handler always sends ``Connection: close``; this one writes the
    response itself (chunked when the application gives no length) and keeps
    the connection unless the client asked to close it or the response could
    not be completed.
    """

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body are separate writes; without this, Nagle's algorithm
        # and delayed ACKs hold each kept-alive response back by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = self.server
        if isinstance(server, _Server):
            server.track(self.connection)

    def finish(self) -> None:
        server = self.server
        if isinstance(server, _Server):
            server.untrack(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip access logging: tests make thousands of requests."""

    def run_wsgi(self) -> None:
        """Serve one request with the WSGI application, keeping the connection."""
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        started: list[Any] = []
        sent = False
        chunked = False

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            if exc_info and sent:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return write

        def write(data: bytes) -> None:
            nonlocal sent, chunked
            if not sent:
                status, headers = started
                code, _, phrase = status.partition(" ")
                self.send_response(int(code), phrase)
                names = set()
                for name, value in headers:
                    if name.lower() == "connection" and value.lower() == "close":
                        self.close_connection = True  # sent once, below
                        continue
                    self.send_header(name, value)
                    names.add(name.lower())
                bodiless = environ["REQUEST_METHOD"] == "HEAD" or int(code) in (204, 304)
                if "content-length" not in names and not bodiless:
                    chunked = True
                    self.send_header("Transfer-Encoding", "chunked")
                if self.close_connection:
                    self.send_header("Connection", "close")
                self.end_headers()
                sent = True
            if data:
                if chunked:
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                else:
                    self.wfile.write(data)
            self.wfile.flush()

        try:
            body = self.server.app(environ, start_response)
            try:
                for data in body:
                    write(data)
                if not sent:
                    write(b"")
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
        except (ConnectionError, OSError):
            self.close_connection = True
        except Exception:
            self.close_connection = True
            if not sent:
                started[:] = ["500 Internal Server Error", [("Content-Length", "0")]]
                with contextlib.suppress(OSError):
                    write(b"")


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, tracking its open connections to close them on stop."""

    def __init__(self, host: str, port: int, app: Any) -> None:
        super().__init__(host, port, app, handler=_KeepAliveHandler)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        """Remember an accepted connection."""
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        """Forget a connection its handler is done with."""
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut every open connection down (idle keep-alive ones included)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


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
        self.worker = Worker(self.deployment)
        self.heartbeat_interval = heartbeat_interval
        self._router = build_router(
            self.deployment,
            self.worker,
            header_filter=ConfigurableHeaders(configurable_headers),
            heartbeat_interval=lambda: self.heartbeat_interval,
        )

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
        self.deployment.loop.start()
        self.server = _Server(self.host, self.port, Request.application(self.application))
        self.port = self.server.port
        self.server_thread = threading.Thread(
            target=self.thread_target, name=f"fake-agent-server-{self.port}", daemon=True
        )
        self.server_thread.start()

    def stop(self) -> None:
        """Stop listening, cut open connections and cancel unfinished runs.

        Threads and checkpoints are kept, so ``start()`` afterwards behaves like
        a restarted server with persistent storage. Connections to ``url`` are
        refused while stopped.
        """
        server = self.server
        if server is not None:
            super().stop()
            if isinstance(server, _Server):
                server.close_connections()
            server.server_close()
        self._crash_runs()

    def _crash_runs(self) -> None:
        """Cut every open stream and fail unfinished runs, like a server that went down."""
        deployment = self.deployment
        with deployment.lock:
            runs = list(deployment.runs.values())
        for run in runs:
            run.abort_watchers()
        deployment.channel.abort()
        deployment.loop.stop()
        with deployment.lock:
            for run in deployment.runs.values():
                if run.active:
                    run.finish("error")
            for thread in deployment.threads.values():
                if thread["status"] == "busy":
                    thread["status"] = "error"
        self.worker.forget_runs()

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
            self._crash_runs()

    # -- request pipeline -------------------------------------------------------

    def application(self, request: Request) -> Response:
        """Serve one request (overrides pytest-httpserver's handler matching)."""
        return self.dispatch(request)

    def dispatch(self, request: Request) -> Response:
        """Record the request, apply faults, then route it."""
        api_request = ApiRequest(request)
        self._record(api_request)
        faults = self.faults.take(request.method, request.path)
        try:
            response = apply_request_faults(request, faults)
            if response is None:
                stream_faults = [f for f in faults if f.is_stream_fault]
                response = self._router.route(api_request, stream_faults)
        except ConnectionDropped:
            raise
        except ApiError as exc:
            response = error_response(exc.status, exc.detail, exc.headers)
        except ValueError as exc:  # the server's ``value_error_handler``: int("abc") and the like
            response = error_response(400, str(exc))
        except Exception:
            response = internal_error_response()
        return with_reason_phrase(response)

    def _record(self, request: ApiRequest) -> None:
        """Add the request to the log (its body decoded when it is JSON)."""
        self.records.add_request(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query.items()),
                headers=request.headers,
                body=request.json_or_none(),
                raw_body=request.data,
                time=time.monotonic(),
            )
        )
