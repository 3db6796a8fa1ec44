"""Who may call the served orchestrator, and which threads are theirs.

``langgraph.json`` points its ``"auth"`` at ``auth`` below. Callers send
``Authorization: Bearer <token>``; tokens and the identities they stand for come
from ``ORCHESTRATOR_TOKENS`` (``token:identity`` pairs, comma-separated). Every
thread and run is stamped with its owner and only that owner can read, run,
search, update or delete it.

With ``ORCHESTRATOR_TOKENS`` unset every caller is the development identity
``dev``, so ``make dev`` and Studio work out of the box; set it in any
deployment reachable by more than one person.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from langgraph_sdk import Auth

TOKENS_ENV = "ORCHESTRATOR_TOKENS"
DEV_IDENTITY = "dev"
OWNER = "owner"

auth = Auth()


def configured_tokens() -> dict[str, str]:
    """Return ``{token: identity}`` from ``ORCHESTRATOR_TOKENS`` (empty in development)."""
    tokens: dict[str, str] = {}
    for pair in os.environ.get(TOKENS_ENV, "").split(","):
        if not pair.strip():
            continue
        token, sep, identity = pair.strip().partition(":")
        if not sep or not token or not identity:
            raise ValueError(f"{TOKENS_ENV} entries must look like token:identity")
        tokens[token] = identity
    return tokens


def identity_for(token: str | None, tokens: dict[str, str]) -> str | None:
    """Return the identity of ``token``, comparing in constant time."""
    found = None
    for known, identity in tokens.items():
        if token is not None and hmac.compare_digest(known.encode(), token.encode()):
            found = identity
    return found


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    """Map the bearer token to an identity, or the development identity when none are set."""
    tokens = configured_tokens()
    if not tokens:
        return {"identity": DEV_IDENTITY}
    scheme, _, token = (authorization or "").partition(" ")
    identity = identity_for(token.strip() if scheme.lower() == "bearer" else None, tokens)
    if identity is None:
        raise Auth.exceptions.HTTPException(
            status_code=401, detail="send Authorization: Bearer <token> with a known token"
        )
    return {"identity": identity}


def owner_filter(ctx: Auth.types.AuthContext, value: Any) -> dict[str, str]:
    """Stamp new resources with their owner and return the filter that scopes reads to them."""
    if ctx.action in ("create", "create_run") and isinstance(value, dict):
        metadata = value.get("metadata")
        if not isinstance(metadata, dict):
            metadata = value["metadata"] = {}
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
