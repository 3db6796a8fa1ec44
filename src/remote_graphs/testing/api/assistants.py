"""Serve ``/assistants``: search, count, CRUD, versions, and each graph's drawing and schemas.

The server builds a graph's five JSON schemas with langgraph's own helpers
and a pydantic model of the state channels; clients (Studio, form builders,
tests) read their ``type``/``items``/``$defs`` details, so the fake makes
them with the same langgraph and langchain-core calls, not an approximation.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any, Final

from langchain_core.utils.pydantic import create_model
from langgraph.channels.base import BaseChannel
from langgraph.pregel import Pregel
from pydantic import BaseModel, TypeAdapter
from werkzeug import Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.route import ApiError, Router, empty_response, json_response
from remote_graphs.testing.worker import Worker

__all__ = ["AssistantRoutes", "graph_schemas"]

_log = logging.getLogger(__name__)

_EXCLUDED_CONFIG_KEYS: Final = (
    "__pregel_checkpointer",
    "__pregel_store",
    "checkpoint_id",
    "checkpoint_ns",
    "thread_id",
)
"""Configurable keys the server hides from ``config_schema`` (they are its own)."""

AnyPregel = Pregel[Any, Any, Any, Any]


def _attempt(graph: AnyPregel, what: str, fn: Callable[[], Any]) -> Any:
    """Return ``fn()``, or None when it fails, as the server does per schema."""
    try:
        return fn()
    except Exception as exc:
        _log.debug("no %s schema for graph %s: %s", what, graph.name, exc)
        return None


def _channel_field(key: str, channel: object) -> tuple[Any, None]:
    """Return the pydantic field of one channel: its update type if describable."""
    if isinstance(channel, BaseChannel):
        try:
            create_model(key, __root__=(channel.UpdateType, None)).model_json_schema()
        except Exception:
            return (Any, None)
        return (channel.UpdateType, None)
    return (Any, None)


def state_jsonschema(graph: AnyPregel) -> dict[str, Any]:
    """Model the graph's stream channels by their update types.

    A channel whose update type pydantic cannot describe is typed ``Any``,
    so one exotic channel does not hide the schema of the others.
    """
    fields = {key: _channel_field(key, graph.channels[key]) for key in graph.stream_channels_list}
    schema: dict[str, Any] = create_model(graph.get_name("State"), **fields).model_json_schema()
    return schema


def _config_model(graph: AnyPregel) -> type[BaseModel]:
    """Return ``graph.config_schema()`` without its deprecation warning.

    The server still calls it (it supports langgraph < 0.6); the warning would
    only be noise in the fake's users' test output.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return graph.config_schema()


def config_jsonschema(graph: AnyPregel) -> dict[str, Any]:
    """Describe only the ``configurable`` part of the graph's config.

    The whole config schema also lists root keys such as ``max_concurrency``
    that the server does not expose; its own keys (thread and checkpoint ids)
    are removed too.
    """
    config_model = _config_model(graph)
    model_fields = getattr(config_model, "model_fields", None)
    if not model_fields or "configurable" not in model_fields:
        return {}
    annotation: Any = model_fields["configurable"].annotation
    schema: dict[str, Any] = TypeAdapter(annotation).json_schema()
    if schema:
        for key in _EXCLUDED_CONFIG_KEYS:
            schema.get("properties", {}).pop(key, None)
    config_type = getattr(graph, "config_type", None)
    if config_type is not None and hasattr(config_type, "__name__"):
        schema["title"] = config_type.__name__
    return schema


def context_jsonschema(graph: AnyPregel) -> Any:
    """Return the context schema, or (like the server) the config model on failure."""
    try:
        return graph.get_context_jsonschema()
    except Exception:
        return _config_model(graph)


def graph_schemas(graph: AnyPregel) -> dict[str, Any]:
    """Return the ``input``/``output``/``state``/``config``/``context`` schemas.

    Args:
        graph: The compiled graph of the assistant.

    Returns:
        The body of ``GET /assistants/{id}/schemas`` without ``graph_id``;
        a schema that cannot be built is None, as on the server.
    """
    return {
        "input_schema": _attempt(graph, "input", graph.get_input_jsonschema),
        "output_schema": _attempt(graph, "output", graph.get_output_jsonschema),
        "state_schema": _attempt(graph, "state", lambda: state_jsonschema(graph)),
        "config_schema": _attempt(graph, "config", lambda: config_jsonschema(graph)),
        "context_schema": context_jsonschema(graph),
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
