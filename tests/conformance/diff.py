"""Normalise Agent Server responses and list the differences between two of them.

Two servers never agree on ids, times or versions, so those are replaced
before comparing: every UUID becomes `<uuid:N>` and every 32-hex interrupt id
`<hex:N>`, numbered by order of first appearance (so a thread id that comes back
later still has to be the same thread), ISO timestamps become `<ts>`, and keys
whose values depend on the deployment become a fixed marker. Dict keys are
walked in sorted order, so numbering does not depend on key order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HEX32_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
PORT_RE = re.compile(r"//(127\.0\.0\.1|localhost):\d+")

# Values that depend on the deployment or the moment, not on the protocol.
VOLATILE_KEYS = {
    "langgraph_request_id": "<request-id>",
    "__request_start_time_ms__": "<ms>",
    "langgraph_api_url": "<api-url>",
    "langgraph_version": "<version>",
    "langgraph_api_version": "<version>",
    "langgraph_host": "<host>",
    "langgraph_plan": "<plan>",
    "lc_versions": "<versions>",
}


class Normalizer:
    """Replace volatile values; one instance per trace, so numbering spans the trace."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._counts = {"uuid": 0, "hex": 0}

    def __call__(self, value: Any) -> Any:
        """Return a normalised copy of a JSON-like value."""
        if isinstance(value, dict):
            # Walk keys with their ids masked, so numbering never depends on id values.
            keys = sorted(value, key=lambda k: (UUID_RE.sub("", str(k)), str(k)))
            return {
                self.text(str(k)): VOLATILE_KEYS[k] if k in VOLATILE_KEYS else self(value[k])
                for k in keys
            }
        if isinstance(value, list | tuple):
            return [self(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, text: str) -> str:
        """Normalise the ids, timestamps and ports inside one string."""
        text = UUID_RE.sub(lambda m: self._placeholder("uuid", m.group().lower()), text)
        text = HEX32_RE.sub(lambda m: self._placeholder("hex", m.group()), text)
        text = TIMESTAMP_RE.sub("<ts>", text)
        return PORT_RE.sub(r"//\1:<port>", text)

    def _placeholder(self, kind: str, raw: str) -> str:
        if raw not in self._ids:
            self._counts[kind] += 1
            self._ids[raw] = f"<{kind}:{self._counts[kind]}>"
        return self._ids[raw]


def normalize(value: Any) -> Any:
    """Normalise one value with a fresh numbering."""
    return Normalizer()(value)


def differences(real: Any, fake: Any, path: str = "$") -> list[str]:
    """List where two normalised values differ, as `path: real=… fake=…` lines."""
    return list(_walk(real, fake, path))


def _walk(real: Any, fake: Any, path: str) -> Iterator[str]:
    if isinstance(real, dict) and isinstance(fake, dict):
        for key in sorted(real.keys() | fake.keys(), key=str):
            if key not in fake:
                yield f"{path}.{key}: only in real = {_short(real[key])}"
            elif key not in real:
                yield f"{path}.{key}: only in fake = {_short(fake[key])}"
            else:
                yield from _walk(real[key], fake[key], f"{path}.{key}")
    elif isinstance(real, list) and isinstance(fake, list):
        for i, (r, f) in enumerate(zip(real, fake, strict=False)):
            yield from _walk(r, f, f"{path}[{i}]")
        if len(real) != len(fake):
            extra, side = (real, "real") if len(real) > len(fake) else (fake, "fake")
            shorter = min(len(real), len(fake))
            yield (
                f"{path}: length real={len(real)} fake={len(fake)}; "
                f"extra in {side}: {_short(extra[shorter:])}"
            )
    elif real != fake or type(real) is not type(fake):
        yield f"{path}: real={_short(real)} fake={_short(fake)}"


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=repr, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shape(value: Any) -> Any:
    """Reduce a value to its structure: dict keys and the JSON type of each leaf."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def parse_sse(body: str) -> list[tuple[str, Any]]:
    """Split an SSE body into (event, data) pairs, dropping comments and `id:` lines."""
    events: list[tuple[str, Any]] = []
    for block in re.split(r"\r\n\r\n|\n\n", body):
        name, data = "message", []
        for line in re.split(r"\r\n|\n", block):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def compare_traces(
    real: dict[str, Any],
    fake: dict[str, Any],
    modes: Mapping[int, str] | None = None,
    ignore: Mapping[str, str] | None = None,
) -> list[str]:
    """Normalise two traces (`{"outputs": [...], "traffic": [...]}`) and list differences.

    Args:
        real: The real server's trace.
        fake: The fake server's trace.
        modes: Per output index, `"shape"` to compare only keys and types, or
            `"status"` to compare only the HTTP status.
        ignore: Regexes of difference paths to drop, each with the reason why.
    """
    real, fake = normalize(real), normalize(fake)
    for index, mode in (modes or {}).items():
        for trace in (real, fake):
            out = trace["outputs"][index]
            if mode == "shape":
                trace["outputs"][index] = shape(out)
            elif mode == "status":
                trace["outputs"][index] = out.get("status") if isinstance(out, dict) else out
    found = differences(real, fake)
    skip = [re.compile(p) for p in (ignore or {})]
    return [d for d in found if not any(p.match(d) for p in skip)]
