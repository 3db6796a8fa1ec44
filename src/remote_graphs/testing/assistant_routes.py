"""Serve the server-level and ``/assistants`` routes: health, info, assistants, graphs.

These routes only read the deployment's fixed assistants and compiled graphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import langgraph.version
from werkzeug import Request, Response

from remote_graphs.testing.deployment import Deployment
from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.faults import Fault
from remote_graphs.testing.responses import json_response
from remote_graphs.testing.router import Router
from remote_graphs.testing.run_executor import API_VERSION
from remote_graphs.testing.schemas import graph_schemas
from remote_graphs.testing.validation import json_body

__all__ = ["AssistantRoutes"]


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


def _parse_xray(raw: str | None) -> bool | int:
    """Parse the ``xray`` query parameter of ``GET /assistants/{id}/graph``."""
    if raw in ("true", "True"):
        return True
    if not raw or raw in ("false", "False"):
        return False
    try:
        xray = int(raw)
    except ValueError:
        raise ApiError(422, "Invalid xray value") from None
    if xray <= 0:
        raise ApiError(422, "Invalid xray value")
    return xray


class AssistantRoutes:
    """Handlers of ``/ok``, ``/info`` and ``/assistants/...``.

    Args:
        deployment: The deployment whose assistants and graphs are served.
    """

    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("GET", "/ok", self.ok)
        router.add("GET", "/info", self.info)
        router.add("POST", "/assistants/search", self.search)
        router.add("GET", "/assistants/{aid}", self.get)
        router.add("GET", "/assistants/{aid}/graph", self.graph)
        router.add("GET", "/assistants/{aid}/schemas", self.schemas)

    def ok(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /ok``: the health check."""
        return json_response({"ok": True, "services": {}})

    def info(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /info``: server version and flags."""
        return json_response(_server_info())

    def search(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``POST /assistants/search``: filter and page the assistants."""
        body = json_body(request, required=False, schema="AssistantSearchRequest")
        page, headers = self._deployment.assistants.search(body)
        return json_response(page, headers=headers)

    def get(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /assistants/{id}``."""
        return json_response(self._deployment.assistants.by_path_id(params["aid"]))

    def graph(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /assistants/{id}/graph``: the drawable graph, node ids removed."""
        assistant = self._deployment.assistants.by_path_id(params["aid"], allow_name=True)
        xray = _parse_xray(request.args.get("xray"))
        graph = self._deployment.graphs[assistant["graph_id"]]
        drawable = graph.get_graph(xray=xray).to_json()
        for node in drawable.get("nodes", []):
            data = node.get("data")
            if isinstance(data, dict):
                data.pop("id", None)
        return json_response(drawable)

    def schemas(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``GET /assistants/{id}/schemas``: the graph's JSON schemas."""
        assistant = self._deployment.assistants.by_path_id(params["aid"])
        graph = self._deployment.graphs[assistant["graph_id"]]
        return json_response({"graph_id": assistant["graph_id"], **graph_schemas(graph)})
