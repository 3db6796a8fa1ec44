"""Normalise Agent Server responses and list the differences between two of them.

Two servers never agree on ids, times or versions, so those are replaced
before comparing: every UUID becomes `<uuid:N>` and every 32-hex interrupt id
`<hex:N>`, numbered by order of first appearance (so a thread id that comes back
later still has to be the same thread), ISO timestamps become `<ts>`, and keys
whose values depend on the deployment become a fixed marker. Dict keys are
walked in sorted order, so numbering does not depend on key order.
"""

from __future__ import annotations

import difflib
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
        yield from _walk_lists(real, fake, path)
    elif real != fake or type(real) is not type(fake):
        yield f"{path}: real={_short(real)} fake={_short(fake)}"


def _walk_lists(real: list[Any], fake: list[Any], path: str) -> Iterator[str]:
    """Align two lists (as `diff` would) so that one extra event is reported once."""
    keys = [[json.dumps(v, sort_keys=True, default=repr) for v in side] for side in (real, fake)]
    matcher = difflib.SequenceMatcher(None, keys[0], keys[1], autojunk=False)
    for tag, r0, r1, f0, f1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and r1 - r0 == f1 - f0:
            for i, j in zip(range(r0, r1), range(f0, f1), strict=True):
                yield from _walk(real[i], fake[j], f"{path}[{i}]")
            continue
        for i in range(r0, r1):
            yield f"{path}[{i}]: only in real = {_short(real[i])}"
        for j in range(f0, f1):
            yield f"{path}[{j}]: only in fake = {_short(fake[j])}"


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
    real: dict[str, Any], fake: dict[str, Any], modes: Mapping[int, str] | None = None
) -> list[str]:
    """Normalise two traces (`{"outputs": [...], "traffic": [...]}`) and list differences.

    Args:
        real: The real server's trace.
        fake: The fake server's trace.
        modes: Per output index, how to compare it: `"unordered"` for a list
            whose order the real server does not fix, `"shape"` for keys and
            types only, `"status"` for the HTTP status only.
    """
    real, fake = (_apply_modes(t, modes or {}) for t in (real, fake))
    return differences(normalize(real), normalize(fake))


def _apply_modes(trace: dict[str, Any], modes: Mapping[int, str]) -> dict[str, Any]:
    outputs = list(trace["outputs"])
    for index, mode in modes.items():
        out = outputs[index]
        if mode == "unordered" and isinstance(out, list):
            # Sort by the normalised form, so the order never depends on id values.
            outputs[index] = sorted(out, key=lambda v: json.dumps(normalize(v), sort_keys=True))
        elif mode == "shape":
            outputs[index] = shape(out)
        elif mode == "status":
            outputs[index] = out.get("status") if isinstance(out, dict) else out
    return {**trace, "outputs": outputs}
