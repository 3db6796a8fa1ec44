"""The fake validates request bodies with the real server's schemas and words errors like it.

The real server checks bodies with ``jsonschema_rs`` against its OpenAPI
schemas; its validators are importable here (langgraph-api is a test
dependency), so every case is compared with the real validator directly.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph_api import validation as server

from remote_graphs.testing.validation import ApiError, sanitize, validate

CASES: list[tuple[str, Any]] = [
    ("RunCreateStateful", {"assistant_id": "echo", "metadata": "x"}),
    ("RunCreateStateful", 5),
    ("RunCreateStateful", None),
    ("RunCreateStateful", {}),
    ("RunCreateStateful", [1]),
    ("RunCreateStateful", {"assistant_id": 1}),
    ("RunCreateStateful", {"assistant_id": "a", "stream_mode": 5}),
    ("RunCreateStateful", {"assistant_id": "a", "stream_mode": ["values", "nope"]}),
    ("RunCreateStateful", {"assistant_id": "a", "config": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "config": {"configurable": 5}}),
    ("RunCreateStateful", {"assistant_id": "a", "config": {"tags": "x", "recursion_limit": "x"}}),
    ("RunCreateStateful", {"assistant_id": "a", "multitask_strategy": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "if_not_exists": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "interrupt_before": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "command": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "command": {"goto": {"node": 1}}}),
    ("RunCreateStateful", {"assistant_id": "a", "command": {"goto": {"node": "n", "input": 1}}}),
    ("RunCreateStateful", {"assistant_id": "a", "command": {"resume": 1, "update": 5}}),
    ("RunCreateStateful", {"assistant_id": "a", "durability": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "stream_subgraphs": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "checkpoint": "x"}),
    ("RunCreateStateful", {"assistant_id": "a", "checkpoint": {"checkpoint_id": 5}}),
    ("RunCreateStateful", {"assistant_id": "a", "webhook": ""}),
    ("RunCreateStateful", {"assistant_id": "a", "after_seconds": True}),
    ("RunCreateStateful", {"assistant_id": "a", "extra": 1}),
    ("RunCreateStreamingStateful", {"metadata": "x"}),
    ("RunCreateStreamingStateful", {"assistant_id": "a", "metadata": "x"}),
    ("RunCreateStreamingStateful", {"assistant_id": "a", "on_disconnect": "x"}),
    ("RunCreateStreamingStateless", {"assistant_id": "a", "command": {"goto": 5}}),
    ("RunCreateStateless", {"assistant_id": "a", "on_completion": "x"}),
    ("RunBatchCreate", []),
    ("RunBatchCreate", [{"x": 1}]),
    ("RunsCancel", {}),
    ("RunsCancel", {"status": "all", "thread_id": "x", "run_ids": []}),
    ("ThreadCreate", {"metadata": "x"}),
    ("ThreadCreate", {"thread_id": {"b": [1, 2], "a": None}}),
    ("ThreadCreate", {"if_exists": "maybe"}),
    ("ThreadCreate", {"ttl": {"strategy": "x"}}),
    ("ThreadCreate", {"supersteps": [{}]}),
    ("ThreadCreate", {"supersteps": [{"updates": [{"values": 1}]}]}),
    ("ThreadSearchRequest", {"limit": "x"}),
    ("ThreadSearchRequest", {"limit": 0}),
    ("ThreadSearchRequest", {"limit": 1001}),
    ("ThreadSearchRequest", {"offset": -1}),
    ("ThreadSearchRequest", {"status": "x"}),
    ("ThreadSearchRequest", {"sort_by": "x"}),
    ("ThreadSearchRequest", {"select": ["x"]}),
    ("ThreadSearchRequest", {"extract": {"a": 1}}),
    ("ThreadSearchRequest", {"extract": {str(i): "x" for i in range(11)}}),
    ("ThreadStateUpdate", {"values": 1, "as_node": 5}),
    ("ThreadStateSearch", {"before": 5}),
    ("ThreadStateSearch", {"before": {"thread_id": 1}}),
    ("ThreadStateCheckpointRequest", {}),
    ("ThreadPruneRequest", {"thread_ids": "x"}),
    ("AssistantSearchRequest", {"select": ["nope"], "sort_by": "nope"}),
    ("AssistantCreate", {"graph_id": "x", "if_exists": "no"}),
    ("AssistantVersionChange", {"version": "x"}),
]


def _server_error(schema: str, body: Any) -> str | None:
    try:
        getattr(server, schema).validate(body)
    except Exception as exc:
        return str(exc)
    return None


def _fake_error(schema: str, body: Any) -> str | None:
    try:
        validate(schema, body)
    except ApiError as exc:
        assert exc.status == 422
        return exc.detail
    return None


@pytest.mark.parametrize(
    ("schema", "body"), CASES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(CASES)]
)
def test_errors_are_worded_as_the_server_words_them(schema: str, body: Any) -> None:
    assert _fake_error(schema, body) == _server_error(schema, body)


def test_reserved_keys_are_dropped_before_validation() -> None:
    body = {
        "metadata": {"thread_id": "x", "keep": 1},
        "config": {
            "metadata": {"run_id": "x", "keep": 2},
            "configurable": {"langgraph_request_id": "x", "__after_seconds__": 1, "keep": 3},
        },
        "context": {"langgraph_auth_user": "x", "keep": 4},
    }
    assert sanitize(body, "RunCreateStateful") == {
        "metadata": {"keep": 1},
        "config": {"metadata": {"keep": 2}, "configurable": {"keep": 3}},
        "context": {"keep": 4},
    }
    assert sanitize(body, "ThreadStateUpdate")["metadata"] == {"thread_id": "x", "keep": 1}
    assert body["metadata"] == {"thread_id": "x", "keep": 1}, "the request body is not changed"
