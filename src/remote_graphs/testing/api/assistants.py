"""Serve ``/assistants``: search, count, CRUD, versions, and each graph's drawing and schemas."""

from __future__ import annotations

from typing import Any

from werkzeug import Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.route import ApiError, Router, empty_response, json_response
from remote_graphs.testing.schemas import graph_schemas
from remote_graphs.testing.worker import Worker

__all__ = ["AssistantRoutes"]


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
    """Handlers of ``/assistants/...``.

    Args:
        deployment: The deployment whose assistants and graphs are served.
        worker: Cancels an assistant's runs when it is deleted.
    """

    def __init__(self, deployment: Deployment, worker: Worker) -> None:
        self._deployment = deployment
        self._assistants = deployment.assistants
        self._worker = worker

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("POST", "/assistants", self.create, body="AssistantCreate")
        router.add("POST", "/assistants/search", self.search, body="AssistantSearchRequest")
        router.add("POST", "/assistants/count", self.count, body="AssistantCountRequest")
        router.add(
            "POST", "/assistants/{aid}/latest", self.set_latest, body="AssistantVersionChange"
        )
        router.add(
            "POST",
            "/assistants/{aid}/versions",
            self.versions,
            body="AssistantVersionsSearchRequest",
        )
        router.add("GET", "/assistants/{aid}", self.get)
        router.add("GET", "/assistants/{aid}/graph", self.graph)
        router.add("GET", "/assistants/{aid}/schemas", self.schemas)
        router.add("GET", "/assistants/{aid}/subgraphs", self.subgraphs)
        router.add("GET", "/assistants/{aid}/subgraphs/{namespace}", self.subgraphs)
        router.add("PATCH", "/assistants/{aid}", self.patch, body="AssistantPatch")
        router.add("DELETE", "/assistants/{aid}", self.delete)

    def create(self, body: dict[str, Any]) -> Response:
        """``POST /assistants``."""
        with self._deployment.lock:
            return json_response(self._assistants.create(body))

    def search(self, body: dict[str, Any]) -> Response:
        """``POST /assistants/search``: filter, sort, select and page the assistants."""
        with self._deployment.lock:
            page, headers = self._assistants.search(body)
        return json_response(page, headers=headers)

    def count(self, body: dict[str, Any]) -> Response:
        """``POST /assistants/count``."""
        with self._deployment.lock:
            return json_response(self._assistants.count(body))

    def get(self, aid: str) -> Response:
        """``GET /assistants/{id}``."""
        with self._deployment.lock:
            return json_response(self._assistants.get(aid))

    def patch(self, aid: str, body: dict[str, Any]) -> Response:
        """``PATCH /assistants/{id}``: a new version."""
        with self._deployment.lock:
            return json_response(self._assistants.patch(aid, body))

    def delete(self, aid: str, query: MultiDict[str, str]) -> Response:
        """``DELETE /assistants/{id}``, its threads too with ``delete_threads=true``."""
        deployment = self._deployment
        with deployment.lock:
            assistant_id = self._assistants.existing(aid, "Assistant with ID {} not found")
        if query.get("delete_threads", "").lower() == "true":
            for thread_id in deployment.threads_of_assistant(assistant_id):
                deployment.delete_thread(thread_id)
        runs = deployment.runs_of_assistant(assistant_id)
        self._worker.cancel(runs, "interrupt", f"assistant {assistant_id} was deleted")
        with deployment.lock:
            self._assistants.delete(assistant_id)
        return empty_response(204)

    def versions(self, aid: str, body: dict[str, Any]) -> Response:
        """``POST /assistants/{id}/versions``: newest first."""
        with self._deployment.lock:
            return json_response(self._assistants.list_versions(aid, body))

    def set_latest(self, aid: str, body: dict[str, Any]) -> Response:
        """``POST /assistants/{id}/latest``."""
        with self._deployment.lock:
            return json_response(self._assistants.set_latest(aid, body.get("version")))

    def graph(self, aid: str, query: MultiDict[str, str]) -> Response:
        """``GET /assistants/{id}/graph``: the drawable graph, node ids removed."""
        with self._deployment.lock:
            assistant = self._assistants.get(aid, allow_graph_id=True)
        xray = _parse_xray(query.get("xray"))
        drawable = self._deployment.graphs[assistant["graph_id"]].get_graph(xray=xray).to_json()
        for node in drawable.get("nodes", []):
            data = node.get("data")
            if isinstance(data, dict):
                data.pop("id", None)
        return json_response(drawable)

    def schemas(self, aid: str) -> Response:
        """``GET /assistants/{id}/schemas``: the graph's JSON schemas."""
        with self._deployment.lock:
            assistant = self._assistants.get(aid)
        graph = self._deployment.graphs[assistant["graph_id"]]
        return json_response({"graph_id": assistant["graph_id"], **graph_schemas(graph)})

    def subgraphs(
        self, aid: str, query: MultiDict[str, str], namespace: str | None = None
    ) -> Response:
        """``GET /assistants/{id}/subgraphs[/{namespace}]``: each subgraph's schemas."""
        with self._deployment.lock:
            assistant = self._assistants.get(aid)
        graph = self._deployment.graphs[assistant["graph_id"]]
        recurse = query.get("recurse", "False") in ("true", "True")
        return json_response(
            {
                ns: graph_schemas(subgraph)  # type: ignore[arg-type]
                for ns, subgraph in graph.get_subgraphs(namespace=namespace, recurse=recurse)
            }
        )
