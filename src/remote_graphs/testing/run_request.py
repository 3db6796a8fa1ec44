"""Turn a run-creation body into the stored run: config, metadata and kwargs.

The server derives much more than the client sent: the run's ``configurable``
gains the thread, graph, assistant and request ids (and allowed headers), its
metadata merges the thread's, and ``kwargs`` (shown by ``GET /runs/{id}``)
records every option with the server's defaults. These rules are pure, so
they live apart from the storage and execution in
:mod:`remote_graphs.testing.deployment`.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from langgraph.types import Command, Send

from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.runs import RunState
from remote_graphs.testing.wire import to_jsonable

__all__ = ["ConfigurableHeaders", "RunRequest", "build_run", "map_command"]

_NEVER_COPIED_HEADERS: Final = frozenset(
    {"x-api-key", "x-service-key", "x-tenant-id", "authorization"}
)


class ConfigurableHeaders:
    """Decide which request headers are copied into a run's ``configurable``.

    Args:
        patterns: Header name globs (only ``*`` is special), matched
            case-insensitively. Credentials headers are never copied.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self._patterns = [re.compile(_glob_to_regex(p)) for p in patterns]

    def __call__(self, name: str) -> bool:
        """Return whether header ``name`` is copied."""
        name = name.lower()
        if name in _NEVER_COPIED_HEADERS:
            return False
        return any(p.fullmatch(name) for p in self._patterns)


def _glob_to_regex(pattern: str) -> str:
    """Translate a header glob (only ``*`` is special) to a regex."""
    return ".*".join(re.escape(part) for part in pattern.lower().split("*"))


def map_command(cmd: Mapping[str, Any]) -> Command[Any]:
    """Build a ``Command`` from its wire form, like ``langgraph_api.command``."""
    goto = cmd.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = cmd.get("update")
    if isinstance(update, tuple | list) and all(
        isinstance(t, tuple | list) and len(t) == 2 and isinstance(t[0], str) for t in update
    ):
        update = [tuple(t) for t in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g["input"]) for g in goto]
        if goto
        else (),
        resume=cmd.get("resume"),
    )


@dataclass(frozen=True, slots=True)
class RunRequest:
    """A run-creation body after the checks that need no stored state.

    Build it with :meth:`parse`; the body itself is kept for the options that
    are copied through unchanged.
    """

    body: Mapping[str, Any]
    assistant: Mapping[str, Any]
    stateless: bool
    command: Any
    user_config: dict[str, Any]
    user_configurable: dict[str, Any]
    context: Any
    stream_mode: list[str]
    multitask: str
    if_not_exists: str

    @classmethod
    def parse(
        cls, body: Mapping[str, Any], assistant: Mapping[str, Any], *, stateless: bool
    ) -> RunRequest:
        """Check and normalise a run body (the assistant is already resolved).

        Raises:
            ApiError: 400 for a stateless resume or for both ``configurable``
                and ``context``.
        """
        command = body.get("command")
        if stateless and isinstance(command, dict) and command.get("resume"):
            raise ApiError(400, "You must provide a thread_id when resuming.")
        user_config = dict(body["config"]) if isinstance(body.get("config"), dict) else {}
        user_configurable = dict(user_config.get("configurable") or {})
        context = body.get("context") or {}
        if user_configurable and context:
            raise ApiError(
                400,
                "Cannot specify both configurable and context. Prefer setting context alone. "
                "Context was introduced in LangGraph 0.6.0 and is the long term planned "
                "replacement for configurable.",
            )
        if context:
            user_configurable = dict(context)
        stream_mode = body.get("stream_mode") or ["values"]
        if isinstance(stream_mode, str):
            stream_mode = [stream_mode]
        return cls(
            body=body,
            assistant=assistant,
            stateless=stateless,
            command=command,
            user_config=user_config,
            user_configurable=user_configurable,
            context=context,
            stream_mode=list(stream_mode),
            multitask=body.get("multitask_strategy") or "enqueue",
            if_not_exists="create" if stateless else (body.get("if_not_exists") or "reject"),
        )

    @property
    def graph_id(self) -> str:
        """The graph of the resolved assistant."""
        return str(self.assistant["graph_id"])

    @property
    def assistant_id(self) -> str:
        """The resolved assistant's id."""
        return str(self.assistant["assistant_id"])

    def new_thread_metadata(self) -> dict[str, Any]:
        """Return the metadata of a thread created by this run (``if_not_exists``)."""
        return {
            "graph_id": self.graph_id,
            "assistant_id": self.assistant_id,
            **(self.user_config.get("metadata") or {}),
            **(self.body.get("metadata") or {}),
        }


def _run_config(
    request: RunRequest,
    metadata: Mapping[str, Any],
    *,
    run_id: str,
    thread_id: str,
    headers: Mapping[str, str],
    header_filter: Callable[[str], bool],
) -> dict[str, Any]:
    """Return the RunnableConfig the server stores for a run."""
    body = request.body
    configurable: dict[str, Any] = dict(request.user_configurable)
    if body.get("checkpoint_id"):
        configurable["checkpoint_id"] = str(body["checkpoint_id"])
    if isinstance(body.get("checkpoint"), dict):
        configurable.update(body["checkpoint"])
    configurable.update({k: v for k, v in headers.items() if header_filter(k)})
    configurable.update(
        {
            "langgraph_auth_user": None,
            "langgraph_auth_user_id": "",
            "langgraph_auth_permissions": [],
            "langgraph_request_id": headers.get("x-request-id") or str(uuid.uuid4()),
            "__request_start_time_ms__": int(time.time() * 1000),
            "__after_seconds__": body.get("after_seconds") or 0,
            "run_id": run_id,
            "thread_id": thread_id,
            "graph_id": request.graph_id,
            "assistant_id": request.assistant_id,
            "user_id": request.user_configurable.get("user_id") or "",
        }
    )
    return {
        **{k: v for k, v in request.user_config.items() if k not in ("configurable", "metadata")},
        "configurable": configurable,
        "metadata": dict(metadata),
    }


def _run_kwargs(request: RunRequest, config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the run's ``kwargs``: every run option, with the server's defaults."""
    body = request.body
    durability = body.get("durability") or (
        "async" if body.get("checkpoint_during") in (None, True) else "exit"
    )
    return {
        "input": body.get("input"),
        "command": request.command,
        "config": config,
        "context": request.context,
        "stream_mode": list(request.stream_mode),
        "interrupt_before": body.get("interrupt_before"),
        "interrupt_after": body.get("interrupt_after"),
        "webhook": body.get("webhook"),
        "feedback_keys": body.get("feedback_keys"),
        "temporary": request.stateless and body.get("on_completion", "delete") == "delete",
        "subgraphs": bool(body.get("stream_subgraphs", False)),
        "resumable": bool(body.get("stream_resumable", False)),
        "checkpoint_during": body.get("checkpoint_during", True),
        "durability": durability,
    }


def build_run(
    request: RunRequest,
    *,
    run_id: str,
    thread_id: str,
    thread_metadata: Mapping[str, Any],
    headers: Mapping[str, str],
    header_filter: Callable[[str], bool],
) -> RunState:
    """Return the pending run the server would store for ``request``.

    Args:
        request: The checked run body.
        run_id: The new run's id.
        thread_id: The thread it runs on (a fresh one for stateless runs).
        thread_metadata: The thread's metadata merged into the run's, empty
            when the thread was created by this run (as on the server).
        headers: Request headers (lower-case names).
        header_filter: Decides which headers are copied into ``configurable``.
    """
    body = request.body
    metadata: dict[str, Any] = {
        "created_by": "system",
        **thread_metadata,
        **(request.user_config.get("metadata") or {}),
        **(body.get("metadata") or {}),
        "assistant_id": request.assistant_id,
    }
    config = _run_config(
        request,
        metadata,
        run_id=run_id,
        thread_id=thread_id,
        headers=headers,
        header_filter=header_filter,
    )
    kwargs = _run_kwargs(request, config)
    return RunState(
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=request.assistant_id,
        graph_id=request.graph_id,
        metadata=metadata,
        kwargs=to_jsonable(kwargs),
        multitask_strategy=request.multitask,
        stream_mode=list(request.stream_mode),
        subgraphs=kwargs["subgraphs"],
        resumable=kwargs["resumable"],
        temporary=bool(kwargs["temporary"]),
        input=body.get("input"),
        command=request.command,
        config=config,
        context=request.context or None,
        interrupt_before=body.get("interrupt_before"),
        interrupt_after=body.get("interrupt_after"),
        durability=str(kwargs["durability"]),
    )
