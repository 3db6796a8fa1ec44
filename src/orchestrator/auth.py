"""Who may call the served orchestrator, and what each caller may see and change.

``langgraph.json`` points its ``"auth"`` at ``auth`` below. Callers send
``Authorization: Bearer <token>`` (or the SDK's ``api_key=<token>``); tokens
and the identities they stand for come from ``ORCHESTRATOR_TOKENS``
(``token:identity`` pairs, comma-separated). Every resource the Agent Server
exposes has a handler, because a resource without one is open to every
authenticated caller:

- threads, runs and crons belong to their creator, and only they can read,
  run, search, update or delete them;
- assistants: everyone can read and search the deployment's own assistants
  (one per graph in ``langgraph.json``), nobody can change or delete them, and
  an assistant a caller creates is theirs alone, like a thread;
- store items live under namespaces that start with the caller's identity
  (``["alice", "notes"]``); a search or listing without a prefix is narrowed
  to the caller's own namespaces, and any other namespace is refused.

With ``ORCHESTRATOR_TOKENS`` unset every caller is the development identity
``dev``, so ``make dev`` and Studio work out of the box; set it in any
deployment reachable by more than one person.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Any

from langgraph_sdk import Auth

from remote_graphs.errors import ConfigError

TOKENS_ENV = "ORCHESTRATOR_TOKENS"
API_KEY_HEADER = b"x-api-key"
"""Where the SDK puts ``api_key=``; read when no bearer token is sent."""
DEV_IDENTITY = "dev"
OWNER = "owner"
SYSTEM_MARK = "created_by"
"""Metadata key the Agent Server sets to ``"system"`` on the assistants it makes per graph."""

auth = Auth()


def configured_tokens() -> dict[str, str]:
    """Return ``{token: identity}`` from ``ORCHESTRATOR_TOKENS`` (empty in development).

    Raises:
        ConfigError: An entry is not ``token:identity``, or an identity holds a
            ``.`` (store namespaces start with the identity and cannot hold
            one). The message never shows a token.
    """
    tokens: dict[str, str] = {}
    for number, pair in enumerate(os.environ.get(TOKENS_ENV, "").split(","), start=1):
        if not pair.strip():
            continue
        token, sep, identity = pair.strip().partition(":")
        if not sep or not token or not identity:
            raise ConfigError(f"{TOKENS_ENV} entry {number} must look like token:identity")
        if "." in identity:
            raise ConfigError(
                f"{TOKENS_ENV}: identity {identity!r} holds a '.', which store namespaces "
                "cannot; use letters, digits, '-', '_' or '@'"
            )
        tokens[token] = identity
    return tokens


def identity_for(token: str | None, tokens: dict[str, str]) -> str | None:
    """Return the identity of ``token``, comparing in constant time."""
    found = None
    for known, identity in tokens.items():
        if token is not None and hmac.compare_digest(known.encode(), token.encode()):
            found = identity
    return found


configured_tokens()  # a malformed ORCHESTRATOR_TOKENS stops the server at start-up


@auth.authenticate
async def authenticate(
    authorization: str | None, headers: Mapping[bytes, bytes]
) -> Auth.types.MinimalUserDict:
    """Map the caller's token to an identity, or the development identity when none are set.

    The token comes as ``Authorization: Bearer <token>``, or in ``x-api-key``,
    the header the SDK sends for ``get_client(url=..., api_key=<token>)``, so a
    caller who passes the token the SDK's own way is not refused.
    """
    tokens = configured_tokens()
    if not tokens:
        return {"identity": DEV_IDENTITY}
    scheme, _, bearer = (authorization or "").partition(" ")
    if scheme.lower() == "bearer":
        token: str | None = bearer.strip()
    else:
        token = headers.get(API_KEY_HEADER, b"").decode("utf-8", "replace").strip() or None
    identity = identity_for(token, tokens)
    if identity is None:
        raise Auth.exceptions.HTTPException(
            status_code=401,
            detail="send Authorization: Bearer <token> (or the SDK's api_key=<token>) "
            f"with a token listed in {TOKENS_ENV}",
        )
    return {"identity": identity}


def owner_filter(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Stamp the caller as owner of what they create or update, and scope access to theirs."""
    if isinstance(value, dict):
        metadata = value.get("metadata")
        if ctx.action in ("create", "create_run") and not isinstance(metadata, dict):
            metadata = value["metadata"] = {}
        if ctx.action in ("create", "create_run", "update") and isinstance(metadata, dict):
            metadata[OWNER] = ctx.user.identity
    return {OWNER: ctx.user.identity}


@auth.on.threads
async def own_threads(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Let each caller create, run and see only their own threads."""
    return owner_filter(ctx, value)


@auth.on.crons
async def own_crons(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Scope scheduled runs to their owner, like threads."""
    return owner_filter(ctx, value)


@auth.on.assistants
async def scope_assistants(ctx: Auth.types.AuthContext, value: Any) -> dict[str, Any]:
    """Share the deployment's own assistants read-only; keep callers' assistants to themselves."""
    if ctx.action in ("read", "search"):
        return {"$or": [{SYSTEM_MARK: "system"}, {OWNER: ctx.user.identity}]}
    metadata = value.get("metadata") if isinstance(value, dict) else None
    if isinstance(metadata, dict) and SYSTEM_MARK in metadata:
        raise Auth.exceptions.HTTPException(
            status_code=403,
            detail=f"metadata key {SYSTEM_MARK!r} marks the deployment's own assistants; "
            "leave it out",
        )
    return owner_filter(ctx, value)


@auth.on.store
async def own_store(ctx: Auth.types.AuthContext, value: Any) -> None:
    """Keep each caller's store items under namespaces that start with their identity."""
    identity = ctx.user.identity
    namespace = tuple(value.get("namespace") or ())
    if not namespace and ctx.action in ("search", "list_namespaces"):
        value["namespace"] = (identity,)
        return
    if namespace[:1] != (identity,):
        raise Auth.exceptions.HTTPException(
            status_code=403,
            detail=f"store namespaces here start with your identity: use [{identity!r}, ...]",
        )
