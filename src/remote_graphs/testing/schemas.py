"""Describe a graph's schemas exactly like ``GET /assistants/{id}/schemas``.

The Agent Server builds the five JSON schemas from the compiled graph with
langgraph's own helpers and a pydantic model of the state channels. Clients
(Studio, form builders, tests) read the ``type``/``items``/``$defs`` details,
so the fake uses the same langgraph and langchain-core calls rather than a
hand-made approximation.
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

__all__ = ["graph_schemas"]

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
