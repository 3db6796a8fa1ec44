"""Thread ids: UUIDs everywhere, and one derived child thread per parent thread and remote.

The Agent Server only accepts UUID thread ids, so a non-UUID parent thread
would fail on the first remote call. Checking up front turns that 400 from a
remote into a clear local error before anything is sent.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.runnables import RunnableConfig

from remote_graphs.errors import ConfigError


def new_thread_id() -> str:
    """Return a fresh thread id (a random UUID4 string)."""
    return str(uuid.uuid4())


def require_uuid(value: Any, what: str = "thread_id") -> str:
    """Return ``value`` as a canonical UUID string, or raise ``ConfigError`` naming it."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise ConfigError(
        f"{what} must be a UUID (got {value!r}); LangGraph Agent Servers reject other ids. "
        "Create one with remote_graphs.new_thread_id()."
    )


def thread_config(thread_id: str | uuid.UUID | None = None, **configurable: Any) -> RunnableConfig:
    """Return a run config for ``thread_id`` (a new one when omitted), validated as a UUID."""
    tid = new_thread_id() if thread_id is None else require_uuid(thread_id)
    return {"configurable": {"thread_id": tid, **configurable}}


def parent_thread_id(config: RunnableConfig | None) -> str | None:
    """Return the validated thread id of a run config, or None for a stateless run."""
    value = ((config or {}).get("configurable") or {}).get("thread_id")
    if value is None:
        return None
    return require_uuid(value, "configurable.thread_id")


def child_thread_id(parent: str | uuid.UUID, name: str) -> str:
    """Derive the remote thread for ``name`` under ``parent``.

    ``uuid5(parent, name)`` is stable, so a retry or a resume lands on the same
    remote thread, and two remotes never share one even on the same deployment.
    """
    return str(uuid.uuid5(uuid.UUID(require_uuid(parent)), name))
