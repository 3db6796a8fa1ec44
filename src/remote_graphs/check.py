"""Check a remote before trusting it: reachable, graph present, auth accepted, schemas fit.

A wrong URL, a missing key or a renamed state field otherwise shows up only
mid-run, as an error deep in a parent graph. These checks ask the remote's own
API (``/ok``, ``/assistants``, ``/assistants/{id}/schemas``) and report each
problem with what to fix. They rely only on what a real Agent Server answers:
a search for a graph it does not serve is a 404, and the graphs it does serve
are read from its assistant listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from remote_graphs.clients import ClientPool, default_pool
from remote_graphs.errors import ConfigError
from remote_graphs.registry import RemoteSpec


@dataclass
class CheckResult:
    """What checking one remote found."""

    name: str
    url: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing is wrong."""
        return not self.problems

    def line(self) -> str:
        """Return the one-line report for this remote."""
        status = "ok" if self.ok else "FAIL"
        detail = (
            "; ".join(self.problems) if self.problems else "reachable, graph found, schemas fit"
        )
        return f"{status:<4} {self.name:<12} {self.url}  {detail}"


def check_remote(
    spec: RemoteSpec,
    *,
    input_keys: Iterable[str] = ("messages",),
    output_keys: Iterable[str] = ("messages",),
    pool: ClientPool | None = None,
) -> CheckResult:
    """Check one remote against the keys the parent's mapping sends and reads."""
    result = CheckResult(spec.name, _safe_url(spec))
    try:
        client = (pool or default_pool).get(spec).sync()
        client.http.get("/ok")
        assistant_id = _find_assistant(spec, client)
        if assistant_id is None:
            result.problems.append(_not_served(spec, client))
            return result
        schemas = client.assistants.get_schemas(assistant_id)
    except ConfigError as exc:
        result.problems.append(str(exc))
        return result
    except httpx.HTTPStatusError as exc:
        result.problems.append(_status_problem(spec, exc))
        return result
    except httpx.HTTPError as exc:
        result.problems.append(
            f"unreachable ({type(exc).__name__}); is it running? "
            f"set url{f' or {spec.url_env}' if spec.url_env else ''}"
        )
        return result
    result.problems += _missing(spec, "input", schemas.get("input_schema"), input_keys)
    result.problems += _missing(spec, "output", schemas.get("output_schema"), output_keys)
    return result


def _find_assistant(spec: RemoteSpec, client: Any) -> str | None:
    """Return the id of the assistant ``spec`` names, or None when it is not served."""
    try:
        if spec.assistant_id:
            return str(client.assistants.get(spec.assistant_id)["assistant_id"])
        found = client.assistants.search(graph_id=spec.graph_id, limit=1)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return None
        raise
    return str(found[0]["assistant_id"]) if found else None


def _not_served(spec: RemoteSpec, client: Any) -> str:
    """Say what is not served and what the remote serves instead."""
    listing = client.assistants.search(limit=1000, select=["graph_id"])
    served = ", ".join(sorted({str(a["graph_id"]) for a in listing})) or "no graphs"
    what = f"assistant {spec.assistant_id!r}" if spec.assistant_id else f"graph {spec.graph_id!r}"
    return f"{what} is not served there; it serves: {served}"


def _status_problem(spec: RemoteSpec, exc: httpx.HTTPStatusError) -> str:
    code = exc.response.status_code
    if code in (401, 403):
        where = f"environment variable {spec.api_key_env}" if spec.api_key_env else "api_key_env"
        return f"auth rejected (HTTP {code}); check the key in {where}"
    return f"HTTP {code} from {exc.request.url.path}"


def _missing(
    spec: RemoteSpec, side: str, schema: Mapping[str, Any] | None, keys: Iterable[str]
) -> list[str]:
    properties = (schema or {}).get("properties") or {}
    if not properties:
        return []  # the remote does not publish a schema; nothing to compare
    absent = [k for k in keys if k not in properties]
    if not absent:
        return []
    return [
        f"{side} schema has no {', '.join(map(repr, absent))} (it has "
        f"{', '.join(sorted(properties))}); fix the {side}= mapping of {spec.name!r}"
    ]


def _safe_url(spec: RemoteSpec) -> str:
    try:
        return spec.resolved_url()
    except ConfigError:
        return spec.url
