"""Compose graphs that live on other LangGraph Agent Server deployments.

The pieces, one module each: ``registry`` (remotes declared once), ``node``
(a remote graph as a parent node), ``tool`` (a remote graph as a supervisor's
tool), ``guard`` (no self-calls, no cycles), ``threads`` (UUID thread ids),
``persistence`` (SQLite and Postgres checkpointers) and ``testing`` (a fake
Agent Server for tests).
"""

from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.errors import ConfigError, GuardError, RemoteGraphsError, RemoteRunError
from remote_graphs.node import RemoteNode, add_remote, remote_node
from remote_graphs.registry import Registry, RemoteSpec
from remote_graphs.threads import child_thread_id, new_thread_id, require_uuid, thread_config
from remote_graphs.tool import remote_tool

__all__ = [
    "ClientPool",
    "ConfigError",
    "GuardError",
    "Registry",
    "RemoteGraphsError",
    "RemoteNode",
    "RemoteRunError",
    "RemoteSpec",
    "add_remote",
    "child_thread_id",
    "default_pool",
    "new_thread_id",
    "remote_node",
    "remote_tool",
    "require_uuid",
    "thread_config",
]
