"""Find the remote nodes of a compiled graph, so commands need no list of them."""

from __future__ import annotations

from typing import Any

from langgraph.pregel import Pregel

from remote_graphs.node import RemoteNode


def remote_nodes(graph: Pregel[Any, Any, Any, Any]) -> dict[str, RemoteNode]:
    """Return ``{node name: remote node}`` for the nodes of ``graph`` that call a remote."""
    nodes = getattr(getattr(graph, "builder", None), "nodes", None) or {}
    return {
        name: node.runnable
        for name, node in nodes.items()
        if isinstance(getattr(node, "runnable", None), RemoteNode)
    }
