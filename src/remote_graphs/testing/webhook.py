"""Refuse the webhook URLs the server refuses, with its messages (``langgraph_api.webhook``).

The server checks a run's ``webhook`` when the run is created, against its
default policy: no relative URLs and no loopback hosts (so a test cannot
point a webhook at a local receiver), only ``http``/``https``, never cloud
metadata or Kubernetes-internal hosts, nor link-local, multicast or
documentation addresses. It then resolves the host name and checks every
address; the fake does not resolve names (tests stay off the network), so a
name that is not one of the known local or metadata names is accepted.
The fake never calls webhooks.
"""

from __future__ import annotations

import ipaddress
from typing import Final
from urllib.parse import urlparse

from remote_graphs.testing.validation import ApiError

__all__ = ["check_webhook"]

_MAX_URL_LENGTH: Final = 4096
_RELATIVE: Final = (
    "Loopback webhooks (relative URLs and localhost) are disabled by default. They bypass "
    "authentication via the in-process ASGI transport and can be abused to invoke internal "
    "routes as an unauthenticated caller. Set webhooks.url.disable_loopback to false (in "
    "langgraph.json or via LANGGRAPH_WEBHOOKS) to opt back in — only do so when you control "
    "the mounted routes."
)
_ALWAYS_BLOCKED: Final = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",
        "0.0.0.0/8",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "fe80::/10",
        "ff00::/8",
        "::ffff:0:0/96",
        "::0.0.0.0/96",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
    )
)
_LOOPBACK: Final = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
_METADATA_IPS: Final = frozenset({"169.254.169.254", "169.254.170.2", "100.100.100.200"})
_METADATA_HOSTS: Final = frozenset(
    {"metadata.google.internal", "metadata.amazonaws.com", "metadata", "instance-data"}
)
_LOCALHOST_NAMES: Final = frozenset({"localhost", "localhost.localdomain", "host.docker.internal"})


def _blocked_address(host: str) -> str | None:
    """Return why an IP literal is refused, None if it is allowed or not an IP."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if any(address in net for net in _ALWAYS_BLOCKED if net.version == address.version):
        return "blocked IP range"
    if any(address in net for net in _LOOPBACK if net.version == address.version):
        return "loopback IP range"
    if str(address) in _METADATA_IPS:
        return "cloud metadata endpoint"
    return None


def _blocked_reason(url: str, scheme: str, host: str) -> str | None:
    """Return the SSRF policy's reason for refusing ``url``, None if it passes."""
    if scheme not in ("http", "https"):
        return f"scheme '{scheme}' not allowed"
    lower = host.lower()
    if lower in _LOCALHOST_NAMES:
        return "localhost address"
    if lower in _METADATA_HOSTS:
        return "cloud metadata endpoint"
    if lower.endswith(".svc.cluster.local"):
        return "Kubernetes internal DNS"
    return _blocked_address(host)


def check_webhook(url: str) -> None:
    """Raise the server's 422 for a webhook URL its default policy refuses.

    Raises:
        ApiError: 422 naming what is wrong with the URL.
    """
    if len(url) > _MAX_URL_LENGTH:
        raise ApiError(422, "Webhook URL too long")
    if url.startswith("/"):
        raise ApiError(422, _RELATIVE)
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if not host:
        raise ApiError(422, f"Invalid webhook hostname '{host}'")
    reason = _blocked_reason(url, (parsed.scheme or "").lower(), host)
    if reason is not None:
        raise ApiError(422, f"Webhook host blocked: {reason}")
