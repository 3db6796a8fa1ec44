"""The route table of the fake Agent Server, split by resource as ``langgraph_api.api`` is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import langgraph.version
from werkzeug import Response

from remote_graphs.testing.api.assistants import AssistantRoutes
from remote_graphs.testing.api.crons import CronRoutes
from remote_graphs.testing.api.runs import RunRoutes
from remote_graphs.testing.api.store import StoreRoutes
from remote_graphs.testing.api.threads import ThreadRoutes
from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.route import Router, json_response
from remote_graphs.testing.worker import API_VERSION, Worker

__all__ = ["build_router"]


def _server_info() -> dict[str, Any]:
    """Return the body of ``GET /info`` for a self-hosted server."""
    return {
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


def ok() -> Response:
    """``GET /ok``: the health check."""
    return json_response({"ok": True, "services": {}})


def info() -> Response:
    """``GET /info``: server version and flags."""
    return json_response(_server_info())


def build_router(
    deployment: Deployment,
    worker: Worker,
    *,
    header_filter: Callable[[str], bool],
    heartbeat_interval: Callable[[], float],
) -> Router:
    """Return the router serving every route the fake implements, in the server's order."""
    router = Router()
    router.add("GET", "/", ok)
    router.add("GET", "/info", info)
    router.add("GET", "/ok", ok)
    AssistantRoutes(deployment, worker).register(router)
    CronRoutes().register(router)
    RunRoutes(
        deployment, worker, header_filter=header_filter, heartbeat_interval=heartbeat_interval
    ).register(router)
    ThreadRoutes(deployment, heartbeat_interval).register(router)
    StoreRoutes(deployment.store).register(router)
    return router
