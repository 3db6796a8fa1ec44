"""Refuse calls that would deadlock: to this deployment itself, or around a cycle.

A graph that calls its own Agent Server holds a worker while waiting for a run
that needs one (and, on a shared thread, waits for itself), so it hangs rather
than fails. The guard compares normalised URLs before any request is sent, and
every hop carries a call-chain header so A -> B -> A is refused at the second A.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from remote_graphs.errors import ConfigError, GuardError
from remote_graphs.urls import check_url

CALL_CHAIN_HEADER = "x-remote-graphs-call-chain"
"""Request header naming the deployments a call passed through (comma-separated URLs).

The Agent Server copies ``x-`` headers into the run's ``configurable`` only when
``http.configurable_headers`` in its ``langgraph.json`` includes them, so the
chain also travels in the run's metadata (``CALL_CHAIN_METADATA``), which every
Agent Server passes to the graph as ``config["metadata"]``.
"""
CALL_CHAIN_METADATA = "remote_graphs_call_chain"
SELF_URL_ENV = "REMOTE_GRAPHS_SELF_URL"
"""Environment variable that names this deployment's own URL explicitly."""
MAX_DEPTH_ENV = "REMOTE_GRAPHS_MAX_CALL_DEPTH"
DEFAULT_MAX_DEPTH = 8
_DEFAULT_PORTS = {"http": 80, "https": 443}


@cache
def _local_names() -> frozenset[str]:
    names = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.add(name.lower())
    return frozenset(names)


def _is_local_host(host: str) -> bool:
    if host in _local_names():
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


@lru_cache(maxsize=1024)
def normalize_url(url: str) -> str:
    """Return a canonical form of a deployment URL for comparison (cached: every call checks).

    Lower-cases scheme and host, maps every name for this machine (``localhost``,
    127.0.0.0/8, ``0.0.0.0``, ``::1``, the host name) to ``localhost``, makes the
    port explicit and drops trailing slashes. A URL that ``check_url`` refuses
    raises its ``ConfigError``.
    """
    parts = urlsplit(check_url(url))
    scheme = parts.scheme.lower()
    host = str(parts.hostname).lower().rstrip(".")
    if _is_local_host(host):
        host = "localhost"
    port = parts.port or _DEFAULT_PORTS[scheme]
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}:{port}{path}"


def self_urls(run_metadata: Mapping[str, Any] | None = None) -> set[str]:
    """Return the normalised URLs this process answers on, from every known source.

    Sources: ``REMOTE_GRAPHS_SELF_URL`` (explicit), ``LANGGRAPH_API_URL`` (set by
    ``langgraph dev`` and by deployments) and the run metadata's
    ``langgraph_api_url`` when called inside a served run.
    """
    found = {name: os.environ.get(name) for name in (SELF_URL_ENV, "LANGGRAPH_API_URL")}
    if run_metadata:
        found["the run's langgraph_api_url"] = run_metadata.get("langgraph_api_url")
    urls = set()
    for source, url in found.items():
        if isinstance(url, str) and url.strip():
            try:
                urls.add(normalize_url(url))
            except ConfigError as exc:
                raise ConfigError(f"{source}: {exc}") from None
    return urls


def max_depth() -> int:
    """Return the longest call chain allowed (``REMOTE_GRAPHS_MAX_CALL_DEPTH``, default 8)."""
    raw = os.environ.get(MAX_DEPTH_ENV)
    if raw is None:
        return DEFAULT_MAX_DEPTH
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{MAX_DEPTH_ENV} must be a positive integer, got {raw!r}")
    return value


def parse_chain(value: str | None) -> list[str]:
    """Parse a call-chain header value into a list of normalised URLs."""
    if not value:
        return []
    return [normalize_url(part) for part in value.split(",") if part.strip()]


def incoming_chain(
    configurable: Mapping[str, Any] | None, metadata: Mapping[str, Any] | None = None
) -> list[str]:
    """Return the call chain that reached this run (empty when called directly)."""
    chain: list[str] = []
    for raw in (
        (configurable or {}).get(CALL_CHAIN_HEADER),
        (metadata or {}).get(CALL_CHAIN_METADATA),
    ):
        if isinstance(raw, str):
            chain += parse_chain(raw)
    return _dedupe(chain)


def check_static(name: str, url: str) -> None:
    """Refuse a remote that points at this deployment; called when a graph is built."""
    target = normalize_url(url)
    if target in self_urls():
        raise GuardError(_self_call_message(name, url))


def check_call(
    name: str,
    url: str,
    *,
    configurable: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> str:
    """Check one outgoing call and return the call-chain header value to send.

    Raises ``GuardError`` when the target is this deployment, when it already
    appears in the incoming chain (a cycle), or when the chain would exceed
    the configured depth.
    """
    target = normalize_url(url)
    mine = self_urls(metadata)
    if target in mine:
        raise GuardError(_self_call_message(name, url))
    chain = incoming_chain(configurable, metadata)
    if mine & set(chain):
        raise GuardError(
            f"call cycle: this deployment ({', '.join(sorted(mine))}) is already in the call "
            f"chain {' -> '.join(chain)}; remote {name!r} would call back into it and deadlock"
        )
    if target in chain:
        raise GuardError(
            f"call cycle: remote {name!r} at {url} is already in the call chain "
            f"{' -> '.join(chain)}; calling it again would deadlock"
        )
    outgoing = _dedupe([*chain, *sorted(mine)])
    if len(outgoing) + 1 > max_depth():
        raise GuardError(
            f"call chain too deep calling remote {name!r}: {' -> '.join([*outgoing, target])} "
            f"is longer than {max_depth()} (raise {MAX_DEPTH_ENV} if this is intended)"
        )
    return ",".join(outgoing)


def _dedupe(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def _self_call_message(name: str, url: str) -> str:
    return (
        f"remote {name!r} points at this deployment itself ({url}); a deployment calling "
        "its own Agent Server deadlocks. Compose graphs of the same deployment as local "
        f"subgraphs instead, or point {name!r} at another deployment."
    )
