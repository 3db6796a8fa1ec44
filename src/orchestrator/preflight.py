"""Check the configuration before any server starts, so each mistake is one line.

``make run``, ``make dev`` and ``make check`` call these first: a typo in
``remotes.toml``, a bad URL in a ``url_env`` variable, a child folder without
its remote, a graph that names an undeclared remote, or a chat model whose
provider package is missing all raise ``ConfigError`` here, before anything
is started that would have to be stopped again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from langgraph.pregel import Pregel

from orchestrator.children import Child, discover_children, registry_file
from orchestrator.loader import load_graph
from orchestrator.model import model_spec, require_model
from remote_graphs import ConfigError, GuardError, Registry


@dataclass(frozen=True)
class Configuration:
    """The remotes and the child deployments, validated."""

    registry: Registry
    children: list[Child]


def read_configuration() -> Configuration:
    """Load ``remotes.toml``, check the ``url_env`` values, and find the children."""
    registry = Registry.from_file(registry_file())
    registry.check_environment()
    return Configuration(registry=registry, children=discover_children(registry=registry))


def chosen_model(explicit: str | None = None) -> str:
    """Return the chat model a run uses (``explicit``, else ``$MODEL``, else scripted), checked."""
    spec = model_spec({"model": explicit})
    require_model(spec)
    return spec


def load_graphs(graph_ids: Iterable[str]) -> dict[str, Pregel[Any, Any, Any, Any]]:
    """Import each graph, turning a refused remote (``GuardError``) into a configuration error."""
    try:
        return {graph_id: load_graph(graph_id) for graph_id in graph_ids}
    except GuardError as exc:
        raise ConfigError(str(exc)) from None
