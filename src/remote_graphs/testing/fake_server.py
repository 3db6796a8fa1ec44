"""Serve real LangGraph graphs over the Agent Server wire protocol, in-process.

``FakeAgentServer`` is a pytest-httpserver ``HTTPServer`` (threaded, loopback,
free port) whose dispatcher implements the Agent Server routes that
``RemoteGraph`` and the langgraph-sdk clients use. It is fast (no 1 s queue
poll like ``langgraph dev``), records every request and run, and injects
faults per endpoint so resilience code can be tested without a real server.
This module holds the public API and the request pipeline (record, apply
faults, route); the routes live in ``assistant_routes``, ``thread_routes``
and ``run_routes``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Self

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.pregel import Pregel
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler, make_server

from remote_graphs.testing.assistant_routes import AssistantRoutes
from remote_graphs.testing.deployment import Deployment
from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.fault_effects import apply_request_faults
from remote_graphs.testing.faults import Fault, FaultPlan, FaultRule
from remote_graphs.testing.records import RecordedRequest, RequestLog, RunRecord
from remote_graphs.testing.responses import error_response, internal_error_response
from remote_graphs.testing.router import Router
from remote_graphs.testing.run_request import ConfigurableHeaders
from remote_graphs.testing.run_routes import RunRoutes
from remote_graphs.testing.thread_routes import ThreadRoutes
from remote_graphs.testing.wire import json_loads

__all__ = ["FakeAgentServer"]


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip access logging: tests make thousands of requests."""


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
        self._router = Router()
        AssistantRoutes(self.deployment).register(self._router)
        ThreadRoutes(self.deployment).register(self._router)
        RunRoutes(
            self.deployment,
            header_filter=ConfigurableHeaders(configurable_headers),
            heartbeat_interval=lambda: self.heartbeat_interval,
        ).register(self._router)

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

    # -- request pipeline -------------------------------------------------------

    def application(self, request: Request) -> Response:
        """Serve one request (overrides pytest-httpserver's handler matching)."""
        return self.dispatch(request)

    def dispatch(self, request: Request) -> Response:
        """Record the request, apply faults, then route it."""
        self._record(request)
        faults = self.faults.take(request.method, request.path)
        fault_response = apply_request_faults(request, faults)
        if fault_response is not None:
            return fault_response
        stream_faults = [f for f in faults if f.is_stream_fault]
        try:
            return self._router.route(request, stream_faults)
        except ApiError as exc:
            return error_response(exc.status, exc.detail, exc.headers)
        except Exception:
            return internal_error_response()

    def _record(self, request: Request) -> None:
        """Add the request to the log (its body decoded when it is JSON)."""
        raw = request.get_data()
        try:
            body = json_loads(raw) if raw else None
        except ValueError:
            body = None
        self.records.add_request(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.args.items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                raw_body=raw,
                time=time.monotonic(),
            )
        )
