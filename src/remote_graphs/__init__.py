"""Compose graphs that live on other LangGraph Agent Server deployments.

What a fork uses is here: declare remotes once (``Registry``), wire them into a
parent graph as nodes (``add_remote``, ``remote_node``) or hand them to a
tool-calling agent (``remote_tool``), let a child hand control back to a
parent node (``handoff``), and run the parent on UUID threads
(``new_thread_id``, ``thread_config``). Everything else lives in its own module:
``registry``, ``clients``, ``node``, ``tool``, ``request`` and ``run`` (one
remote call), ``relay`` (its stream), ``guard`` (no self-calls, no cycles),
``state`` (the remote thread through the parent's state API), ``handoff``,
``threads``, ``persistence``, ``check``, and ``testing`` (a fake Agent Server).
"""

from remote_graphs.errors import ConfigError, GuardError, RemoteRunError
from remote_graphs.handoff import handoff
from remote_graphs.node import add_remote, remote_node
from remote_graphs.registry import Registry
from remote_graphs.threads import new_thread_id, thread_config
from remote_graphs.tool import remote_tool

__all__ = [
    "ConfigError",
    "GuardError",
    "Registry",
    "RemoteRunError",
    "add_remote",
    "handoff",
    "new_thread_id",
    "remote_node",
    "remote_tool",
    "thread_config",
]
