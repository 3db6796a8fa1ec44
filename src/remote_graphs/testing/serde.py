"""Serialise values the way the Agent Server puts them on the wire.

The real server encodes with orjson and a ``default`` hook that turns
pydantic models (messages) into ``model_dump()`` dicts, exceptions into
``{"error", "message"}`` and a few stdlib types into strings. Reproducing it
byte for byte lets a differential test compare the fake with the real server
after normalising ids and times.
"""

from __future__ import annotations

import os
import time
import uuid
from base64 import b64encode
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from re import Pattern
from typing import Any

import orjson
from langgraph.errors import EmptyInputError, GraphBubbleUp, InvalidUpdateError, TaskNotFound
from langgraph.types import Send

__all__ = [
    "error_payload",
    "iso_now",
    "json_dumps",
    "json_loads",
    "mapping_or_empty",
    "to_jsonable",
    "uuid7",
]

# Exceptions whose message the real server passes through. Every other exception
# is reported with a fixed message so that server internals do not leak.
_PASSTHROUGH_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    RuntimeError,
    RecursionError,
    TimeoutError,
    InvalidUpdateError,
    GraphBubbleUp,
    EmptyInputError,
    TaskNotFound,
)

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def error_payload(exc: BaseException) -> dict[str, str]:
    """Describe a run failure as the server's ``{"error", "message"}`` pair.

    Args:
        exc: The exception raised by the graph.

    Returns:
        The payload of an ``error`` SSE event or of ``__error__`` in a wait result.
    """
    if isinstance(exc, _PASSTHROUGH_ERRORS) or type(exc).__name__ == "UserInterrupt":
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"error": type(exc).__name__, "message": "An internal error occurred"}


def _default(obj: Any) -> Any:
    """Encode the types orjson does not know, mirroring the server's hook."""
    if isinstance(obj, Send):
        return {"node": obj.node, "args": obj.arg}
    if hasattr(obj, "model_dump") and callable(obj.model_dump) and not isinstance(obj, type):
        return obj.model_dump()
    if hasattr(obj, "dict") and callable(obj.dict) and not isinstance(obj, type):
        return obj.dict()
    if hasattr(obj, "_asdict") and callable(obj._asdict) and not isinstance(obj, type):
        return obj._asdict()
    if isinstance(obj, BaseException):
        return error_payload(obj)
    if isinstance(obj, set | frozenset | deque):
        return list(obj)
    if isinstance(obj, timezone):
        return obj.tzname(None)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, Decimal):
        return float(obj) if obj.as_tuple().exponent < 0 else int(obj)  # type: ignore[operator]
    if isinstance(obj, uuid.UUID | Path):
        return str(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Pattern):
        return obj.pattern
    if isinstance(obj, bytes | bytearray):
        return b64encode(obj).decode()
    return None


def json_dumps(obj: Any) -> bytes:
    """Encode ``obj`` as compact JSON bytes, like the server's ``json_dumpb``.

    Args:
        obj: Any value a graph may produce (messages, interrupts, dicts...).

    Returns:
        UTF-8 JSON without spaces.
    """
    return orjson.dumps(obj, default=_default, option=_OPTIONS)


def json_loads(data: bytes | str) -> Any:
    """Decode JSON bytes (a thin wrapper so callers need not import orjson)."""
    return orjson.loads(data)


def to_jsonable(obj: Any) -> Any:
    """Round-trip ``obj`` through the wire encoding to get plain JSON types.

    Used for stored snapshots (thread ``values``, run ``kwargs``) so that later
    mutation of graph objects cannot change what the fake reports.
    """
    return orjson.loads(json_dumps(obj))


def mapping_or_empty(value: Any) -> dict[str, Any]:
    """Return ``value`` if it is a dict, else an empty dict (tolerant body parsing)."""
    return dict(value) if isinstance(value, Mapping) else {}


def iso_now() -> str:
    """Return the current UTC time in the server's ISO format (``+00:00``)."""
    return datetime.now(UTC).isoformat()


def uuid7() -> uuid.UUID:
    """Make a time-ordered UUIDv7, as the server does for thread and run ids.

    Python 3.11 has no ``uuid.uuid7``; ordering matters because run lists are
    sorted newest first by id on the real server.
    """
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)
