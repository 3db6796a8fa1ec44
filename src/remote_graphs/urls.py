"""Deployment URLs: check them with one clear line per mistake, and show them without secrets.

A deployment's base URL is ``http(s)://host[:port][/path]``. Credentials never
belong in it (they would be sent to every hop and printed in errors), so a URL
with a user name or password, or with a query string, is refused, and every
message that echoes a URL shows it through ``redact_url``.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from remote_graphs.errors import ConfigError

SCHEMES = ("http", "https")
_HOST = re.compile(r"[\w.-]+")
_HALF_SCHEME = re.compile(r"(https?):/*", re.IGNORECASE)
_PORT = re.compile(r"(?P<host>^(?:[^:/]*://)?(?:\*\*\*@)?(?:\[[^\]/]*\]|[^:/\[]*)):(?P<port>[^/]*)")
_EXAMPLE = "http://127.0.0.1:2024 or https://my-deployment.example.com"


def redact_url(text: str) -> str:
    """Return ``text`` with anything that could hold a secret replaced by ``***``.

    Hidden: everything up to the last ``@`` (user name and password, however
    malformed the URL), any query or fragment, and a port that is not a number
    (a password that lost its ``@``). Scheme, host, numeric port and path are
    kept, so the message still says which URL is meant.
    """
    head, at, tail = text.rpartition("@")
    if at:
        scheme, sep, _ = head.partition("://")
        text = f"{scheme}{sep}***@{tail}" if sep else f"***@{tail}"
    cuts = [i for i in (text.find("?"), text.find("#")) if i >= 0]
    if cuts:
        text = f"{text[: min(cuts)]}{text[min(cuts)]}***"
    return _PORT.sub(_hide_port, text, count=1)


def _hide_port(match: re.Match[str]) -> str:
    port = match.group("port")
    return match.group(0) if not port or port.isdigit() else f"{match.group('host')}:***"


def check_url(url: object) -> str:
    """Return a deployment base URL without its trailing slash, or raise ``ConfigError``.

    The message says what is wrong and how to write the URL, and shows the
    value only through ``redact_url``.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"a URL is needed; write it like {_EXAMPLE}")
    text = url.strip()
    shown = repr(redact_url(text))
    if "@" in text:
        raise ConfigError(
            f"{shown} carries a user name or password (the part before '@'); remove it and "
            "send credentials from the environment (api_key_env, or header_envs)"
        )
    if "?" in text or "#" in text:
        raise ConfigError(
            f"{shown} carries a query or fragment; give only the deployment's base URL"
        )
    if "://" not in text:
        raise ConfigError(f"{shown} has no scheme; write it as {_with_scheme(text)}")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ConfigError(f"{shown} has a malformed host; write it like {_EXAMPLE}") from None
    if parts.scheme.lower() not in SCHEMES:
        raise ConfigError(f"{shown} is not an http(s) URL; write it like {_EXAMPLE}")
    _check_host(parts, shown)
    _check_port(parts, shown)
    return text.rstrip("/")


def _with_scheme(text: str) -> str:
    """Suggest how to write a URL that lacks its scheme (or its ``//``)."""
    bare = redact_url(text).replace("***@", "")
    given = _HALF_SCHEME.match(bare)
    if given:
        return f"{given.group(1).lower()}://{bare[given.end() :]}"
    return f"http://{bare.lstrip('/')} (or https://...)"


def _check_host(parts: SplitResult, shown: str) -> None:
    host = parts.hostname
    if not host:
        raise ConfigError(f"{shown} names no host; write it like {_EXAMPLE}")
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ConfigError(f"{shown} has a malformed IPv6 address") from None
    elif not _HOST.fullmatch(host):
        raise ConfigError(f"{shown} has a malformed host name; write it like {_EXAMPLE}")


def _check_port(parts: SplitResult, shown: str) -> None:
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ConfigError(f"{shown} has a bad port; use a number from 1 to 65535")
