"""Check request bodies and ids the way the server does, with its exact messages.

The server validates every JSON body against its OpenAPI request schemas with
``jsonschema_rs`` and answers 422 with that library's error text; the SDK maps
the status to a typed exception and tests assert on the text. This module
holds the request schemas (only the constraints, in the server's property
order) and a validator for the JSON-schema subset they use that reports the
first error exactly as ``jsonschema_rs`` does: ``required`` before
``properties``, properties in name order.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

import orjson

__all__ = [
    "EXTRACTABLE_COLUMNS",
    "ApiError",
    "check_extract",
    "check_select",
    "parse_uuid",
    "sanitize",
    "validate",
]

Schema = dict[str, Any]


class ApiError(Exception):
    """An error answered as ``{"detail": ...}`` with an HTTP status.

    Raising it anywhere inside a route handler turns into the same JSON error
    response the real server sends, so the SDK raises the same typed exception.
    """

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


def parse_uuid(value: Any, status: int, detail: str | None = None) -> str:
    """Return ``value`` as a canonical UUID string or raise ``ApiError(status)``."""
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError as exc:
        raise ApiError(status, detail or str(exc)) from None


EXTRACTABLE_COLUMNS: Final = frozenset({"values", "metadata", "config", "interrupts"})
"""The thread fields a thread search's ``extract`` paths may start from."""
_EXTRACT_ALIAS: Final = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def check_extract(extract: Mapping[str, Any], reserved: Iterable[str]) -> None:
    """Check a thread search's ``extract`` aliases and paths like the server.

    Raises:
        ApiError: 422 naming the first bad alias or path.
    """
    if len(extract) > 10:
        raise ApiError(422, f"Maximum of 10 extract paths allowed, got {len(extract)}")
    clash = extract.keys() & set(reserved)
    if clash:
        raise ApiError(422, f"Extract keys cannot use reserved field names: {sorted(clash)}")
    for alias, path in extract.items():
        if not _EXTRACT_ALIAS.match(alias):
            raise ApiError(
                422,
                f"Extract key '{alias}' must be a valid identifier (letters, digits, underscores)",
            )
        if not path or not isinstance(path, str):
            raise ApiError(422, f"Extract path for '{alias}' must be a non-empty string")
        if path.split(".")[0].split("[")[0] not in EXTRACTABLE_COLUMNS:
            raise ApiError(
                422,
                f"Extract path '{path}' must start with one of: "
                f"{', '.join(sorted(EXTRACTABLE_COLUMNS))}",
            )


def check_select(select: Iterable[str], allowed: Iterable[str]) -> None:
    """Reject ``select`` columns a resource does not have (the runs list's query).

    Raises:
        ApiError: 422 listing the unknown columns.
    """
    invalid = [c for c in select if c not in set(allowed)]
    if invalid:
        raise ApiError(422, f"Invalid select columns: {invalid}. Expected: {set(allowed)}")


# -- schemas ------------------------------------------------------------------------


def _t(kind: str | list[str], **extra: Any) -> Schema:
    return {"type": kind, **extra}


def _enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def _obj(properties: Mapping[str, Schema], *required: str, **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": dict(properties), **extra}
    if required:
        schema["required"] = list(required)
    return schema


def _ref(name: str) -> Schema:
    return {"$ref": name}


_ANY: Final = ["object", "array", "number", "string", "boolean", "null"]
_STRINGS: Final = _t("array", items=_t("string"))
_STREAM_MODES: Final = (
    "values",
    "messages",
    "messages-tuple",
    "tasks",
    "checkpoints",
    "updates",
    "events",
    "debug",
    "custom",
)
_INTERRUPT_AT: Final = {"anyOf": [_enum("*"), _STRINGS]}
_CONFIG: Final = _obj(
    {"tags": _STRINGS, "recursion_limit": _t("integer"), "configurable": _t("object")}
)
_TTL: Final = _obj({"strategy": _enum("delete", "keep_latest"), "ttl": _t("number")})
_LIMIT: Final = _t("integer", minimum=1, maximum=1000)
_OFFSET: Final = _t("integer", minimum=0)
_ASSISTANT_FIELDS: Final = (
    "assistant_id",
    "graph_id",
    "name",
    "description",
    "config",
    "context",
    "created_at",
    "updated_at",
    "metadata",
    "version",
)
THREAD_FIELDS: Final = (  # what a thread search may select or extract
    "thread_id",
    "created_at",
    "updated_at",
    "state_updated_at",
    "metadata",
    "config",
    "status",
    "values",
    "interrupts",
)
_RUN_COMMON: Final[dict[str, Schema]] = {
    "assistant_id": {"anyOf": [_t("string"), _t("string")]},
    "input": {"anyOf": [_t(kind) for kind in _ANY]},
    "command": {"anyOf": [_ref("Command"), _t("null")]},
    "metadata": _t("object"),
    "config": _CONFIG,
    "context": _t("object"),
    "webhook": _t("string", maxLength=65536, minLength=1),
    "stream_mode": {"anyOf": [_t("array", items=_enum(*_STREAM_MODES)), _enum(*_STREAM_MODES)]},
    "feedback_keys": _STRINGS,
    "stream_subgraphs": _t("boolean"),
    "stream_resumable": _t("boolean"),
    "after_seconds": _t("number"),
    "checkpoint_during": _t("boolean"),
    "durability": _enum("sync", "async", "exit"),
}

SCHEMAS: Final[dict[str, Schema]] = {
    "CheckpointConfig": _obj(
        {
            "thread_id": _t("string"),
            "checkpoint_ns": _t("string"),
            "checkpoint_id": _t("string"),
            "checkpoint_map": _t("object"),
        }
    ),
    "Send": _obj({"node": _t("string"), "input": _t(_ANY)}, "node", "input"),
    "Command": _obj(
        {
            "update": _t(["object", "array", "null"]),
            "resume": _t(_ANY),
            "goto": {
                "anyOf": [
                    _ref("Send"),
                    _t("array", items=_ref("Send")),
                    _t("string"),
                    _STRINGS,
                    _t("null"),
                ]
            },
        }
    ),
    "RunCreateStateful": _obj(
        {
            **_RUN_COMMON,
            "checkpoint": {"type": "object", "$ref": "CheckpointConfig"},
            "interrupt_before": _INTERRUPT_AT,
            "interrupt_after": _INTERRUPT_AT,
            "multitask_strategy": _enum("reject", "rollback", "interrupt", "enqueue"),
            "if_not_exists": _enum("create", "reject"),
        },
        "assistant_id",
    ),
    "RunCreateStateless": _obj(
        {**_RUN_COMMON, "on_completion": _enum("delete", "keep")}, "assistant_id"
    ),
    "RunBatchCreate": _t("array", items=_ref("RunCreateStateless"), minItems=1),
    "RunsCancel": _obj(
        {
            "status": _enum("pending", "running", "all"),
            "thread_id": _t("string"),
            "run_ids": _STRINGS,
        },
        oneOf=[{"required": ["status"]}, {"required": ["thread_id", "run_ids"]}],
    ),
    "ThreadCreate": _obj(
        {
            "thread_id": _t("string"),
            "metadata": _t("object"),
            "if_exists": _enum("raise", "do_nothing"),
            "ttl": _TTL,
            "supersteps": _t(
                "array",
                items=_obj(
                    {"updates": _t("array", items=_ref("ThreadSuperstepUpdate"))}, "updates"
                ),
            ),
        }
    ),
    "ThreadSuperstepUpdate": _obj(
        {
            "values": {"anyOf": [_t("array", items=_t("object")), _t("object"), _t("null")]},
            "command": {"anyOf": [_ref("Command"), _t("null")]},
            "as_node": _t("string"),
        },
        "as_node",
    ),
    "ThreadPatch": _obj({"metadata": _t("object"), "ttl": _TTL}),
    "ThreadSearchRequest": _obj(
        {
            "ids": _STRINGS,
            "metadata": _t("object"),
            "values": _t("object"),
            "status": _enum("idle", "busy", "interrupted", "error"),
            "limit": _LIMIT,
            "offset": _OFFSET,
            "sort_by": _enum("thread_id", "status", "created_at", "updated_at", "state_updated_at"),
            "sort_order": _enum("asc", "desc"),
            "select": _t("array", items=_enum(*THREAD_FIELDS)),
            "extract": _t("object", additionalProperties=_t("string"), maxProperties=10),
        }
    ),
    "ThreadCountRequest": _obj(
        {
            "metadata": _t("object"),
            "values": _t("object"),
            "status": _enum("idle", "busy", "interrupted", "error"),
        }
    ),
    "ThreadPruneRequest": _obj(
        {"thread_ids": _STRINGS, "strategy": _enum("delete", "keep_latest")}, "thread_ids"
    ),
    "ThreadStateUpdate": _obj(
        {
            "values": {"anyOf": [_t("array", items={}), _t("object"), _t("null")]},
            "checkpoint": _ref("CheckpointConfig"),
            "as_node": _t("string"),
        }
    ),
    "ThreadStateSearch": _obj(
        {
            "limit": _LIMIT,
            "before": _ref("CheckpointConfig"),
            "metadata": _t("object"),
            "checkpoint": _ref("CheckpointConfig"),
        }
    ),
    "ThreadStateCheckpointRequest": _obj(
        {"checkpoint": _ref("CheckpointConfig"), "subgraphs": _t("boolean")}, "checkpoint"
    ),
    "AssistantCreate": _obj(
        {
            "assistant_id": _t("string"),
            "graph_id": _t("string"),
            "config": _t("object"),
            "context": _t("object"),
            "metadata": _t("object"),
            "if_exists": _enum("raise", "do_nothing"),
            "name": _t("string"),
        },
        "graph_id",
    ),
    "AssistantPatch": _obj(
        {
            "graph_id": _t("string"),
            "config": _t("object"),
            "context": _t("object"),
            "metadata": _t("object"),
            "name": _t("string"),
        }
    ),
    "AssistantSearchRequest": _obj(
        {
            "metadata": _t("object"),
            "graph_id": _t("string"),
            "name": _t("string"),
            "limit": _LIMIT,
            "offset": _OFFSET,
            "sort_by": _enum("assistant_id", "created_at", "updated_at", "name", "graph_id"),
            "sort_order": _enum("asc", "desc"),
            "select": _t("array", items=_enum(*_ASSISTANT_FIELDS)),
        }
    ),
    "AssistantCountRequest": _obj(
        {"metadata": _t("object"), "graph_id": _t("string"), "name": _t("string")}
    ),
    "AssistantVersionsSearchRequest": _obj(
        {"metadata": _t("object"), "limit": _LIMIT, "offset": _OFFSET}
    ),
    "AssistantVersionChange": _obj({"version": _t("integer")}),
    "StorePutRequest": _obj(
        {
            "namespace": _STRINGS,
            "key": _t("string"),
            "value": _t("object"),
            "index": {"oneOf": [_t("boolean", enum=[False]), _STRINGS, _t("null")]},
            "ttl": _t(["number", "null"]),
        },
        "namespace",
        "key",
        "value",
    ),
    "StoreDeleteRequest": _obj({"namespace": _STRINGS, "key": _t("string")}, "key"),
    "StoreSearchRequest": _obj(
        {
            "namespace_prefix": _t(["array", "null"], items=_t("string")),
            "filter": _t(["object", "null"]),
            "limit": _t("integer"),
            "offset": _t("integer"),
            "query": _t(["string", "null"]),
            "refresh_ttl": _t(["boolean", "null"]),
        }
    ),
    "StoreListNamespacesRequest": _obj(
        {
            "prefix": _STRINGS,
            "suffix": _STRINGS,
            "max_depth": _t("integer"),
            "limit": _t("integer"),
            "offset": _t("integer"),
        }
    ),
    "Config": _CONFIG,
}
"""The server's request schemas, by the names its error messages quote."""

_STREAMING: Final = {
    "RunCreateStreamingStateful": "RunCreateStateful",
    "RunCreateStreamingStateless": "RunCreateStateless",
}
"""Streaming run bodies: the run schema plus ``on_disconnect`` (an ``allOf``)."""

_ON_DISCONNECT: Final = _obj({"on_disconnect": _enum("cancel", "continue")})

# -- validation ---------------------------------------------------------------------


def validate(name: str, body: Any) -> None:
    """Check ``body`` against the request schema ``name``.

    Raises:
        ApiError: 422 with the first error, worded as the server words it.
    """
    if name in _STREAMING:
        base = _STREAMING[name]
        error = _first(_check(SCHEMAS[base], body, f'["components"]["schemas"]["{base}"]', ""))
        if error is None:
            error = _first(_check(_ON_DISCONNECT, body, '["allOf"][1]', ""))
    else:
        error = _first(_check(SCHEMAS[name], body, "", ""))
    if error is not None:
        raise ApiError(422, error)


def _first(errors: Iterator[str]) -> str | None:
    return next(errors, None)


def _show(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _error(message: str, keyword: str, schema_path: str, instance_path: str, value: Any) -> str:
    return (
        f'{message}\n\nFailed validating "{keyword}" in schema{schema_path}\n\n'
        f"On instance{instance_path}:\n    {_show(value)}"
    )


def _is_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    checks: dict[str, Any] = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    return bool(checks[kind](value))


def _one_of(values: Sequence[str]) -> str:
    shown = [_show(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    if len(shown) <= 3:
        return ", ".join(shown[:-1]) + f" or {shown[-1]}"
    return f"{shown[0]}, {shown[1]} or {len(shown) - 2} other candidates"


def _check(schema: Schema, value: Any, spath: str, ipath: str) -> Iterator[str]:
    """Yield the errors of ``value`` against ``schema``, first the one the server reports."""
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            quoted = ", ".join(f'"{k}"' for k in sorted(kinds))
            word = "types" if isinstance(kind, list) else "type"
            yield _error(f"{_show(value)} is not of {word} {quoted}", "type", spath, ipath, value)
            return
    if "$ref" in schema:
        name = schema["$ref"]
        yield from _check(SCHEMAS[name], value, f'["components"]["schemas"]["{name}"]', ipath)
    yield from _check_value(schema, value, spath, ipath)
    if isinstance(value, dict):
        yield from _check_object(schema, value, spath, ipath)
    if isinstance(value, list):
        yield from _check_array(schema, value, spath, ipath)


def _check_value(schema: Schema, value: Any, spath: str, ipath: str) -> Iterator[str]:
    if "enum" in schema and value not in schema["enum"]:
        message = f"{_show(value)} is not one of {_one_of(schema['enum'])}"
        yield _error(message, "enum", spath, ipath, value)
    for keyword in ("anyOf", "oneOf"):
        options = schema.get(keyword)
        if options is None:
            continue
        passing = sum(1 for option in options if _first(_check(option, value, "", "")) is None)
        if passing == 0 or (keyword == "oneOf" and passing > 1):
            how = "not valid under any" if passing == 0 else "valid under more than one"
            message = f"{_show(value)} is {how} of the schemas listed in the '{keyword}' keyword"
            yield _error(message, keyword, spath, ipath, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            message = f"{_show(value)} is less than the minimum of {schema['minimum']}"
            yield _error(message, "minimum", spath, ipath, value)
        if "maximum" in schema and value > schema["maximum"]:
            message = f"{_show(value)} is greater than the maximum of {schema['maximum']}"
            yield _error(message, "maximum", spath, ipath, value)
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            count = schema["minLength"]
            message = f"{_show(value)} is shorter than {count} character{'s' * (count != 1)}"
            yield _error(message, "minLength", spath, ipath, value)
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            count = schema["maxLength"]
            message = f"{_show(value)} is longer than {count} character{'s' * (count != 1)}"
            yield _error(message, "maxLength", spath, ipath, value)


def _check_object(schema: Schema, value: dict[str, Any], spath: str, ipath: str) -> Iterator[str]:
    for key in schema.get("required", []):
        if key not in value:
            yield _error(f'"{key}" is a required property', "required", spath, ipath, value)
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        count = schema["maxProperties"]
        message = f"{_show(value)} has more than {count} propert{'ies' if count != 1 else 'y'}"
        yield _error(message, "maxProperties", spath, ipath, value)
    properties = schema.get("properties", {})
    for key in sorted(value):
        sub = properties.get(key, schema.get("additionalProperties"))
        if sub is None:
            continue
        where = (
            f'{spath}["properties"]["{key}"]'
            if key in properties
            else (f'{spath}["additionalProperties"]')
        )
        yield from _check(sub, value[key], where, f'{ipath}["{key}"]')


def _check_array(schema: Schema, value: list[Any], spath: str, ipath: str) -> Iterator[str]:
    if "minItems" in schema and len(value) < schema["minItems"]:
        count = schema["minItems"]
        message = f"{_show(value)} has less than {count} item{'s' * (count != 1)}"
        yield _error(message, "minItems", spath, ipath, value)
    items = schema.get("items")
    if items:
        for index, item in enumerate(value):
            yield from _check(items, item, f'{spath}["items"]', f"{ipath}[{index}]")


# -- reserved keys ------------------------------------------------------------------

_RESERVED_CONFIGURABLE: Final = frozenset(
    {
        "langgraph_auth_user",
        "langgraph_auth_user_id",
        "langgraph_auth_permissions",
        "langgraph_request_id",
        "__langsmith_project__",
        "__langsmith_example_id__",
        "__request_start_time_ms__",
        "__after_seconds__",
        "__otel_traceparent__",
        "__otel_tracestate__",
        "__dd_trace_headers__",
        "__pregel_node_finished",
        "__context_provided__",
    }
)
_RESERVED_METADATA: Final = frozenset(
    {"thread_id", "assistant_id", "run_id", "cron_id", "counters_since_delta_snapshot"}
)
_SCHEMAS_WITH_METADATA: Final = frozenset(
    {
        "AssistantCreate",
        "AssistantPatch",
        "RunBatchCreate",
        "RunCreateStateful",
        "RunCreateStateless",
        "RunCreateStreamingStateful",
        "RunCreateStreamingStateless",
        "ThreadCreate",
        "ThreadPatch",
    }
)


def sanitize(body: Any, schema: str) -> Any:
    """Return a copy of ``body`` without the keys the server reserves for itself.

    The server silently drops its own configurable keys (request ids, auth
    user...) from ``config.configurable`` and ``context``, and, on bodies that
    write metadata, ``thread_id``/``assistant_id``/``run_id`` from ``metadata``
    and ``config.metadata``, before validating.
    """
    body = copy.deepcopy(body)
    for item in body if isinstance(body, list) else [body]:
        if isinstance(item, dict):
            _strip_item(item, metadata=schema in _SCHEMAS_WITH_METADATA)
    return body


def _strip_item(item: dict[str, Any], *, metadata: bool) -> None:
    config = item.get("config")
    holders = [item, config] if isinstance(config, dict) else [item]
    if metadata:
        for holder in holders:
            if isinstance(holder.get("metadata"), dict):
                _drop(holder["metadata"], _RESERVED_METADATA)
    for value in (
        config.get("configurable") if isinstance(config, dict) else None,
        item.get("configurable"),
        item.get("context"),
    ):
        if isinstance(value, dict):
            _drop(value, _RESERVED_CONFIGURABLE)


def _drop(mapping: dict[str, Any], keys: frozenset[str]) -> None:
    for key in [k for k in mapping if k in keys]:
        del mapping[key]
