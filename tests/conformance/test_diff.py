"""The normaliser and comparator must hide only what is volatile, and catch the rest."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import RealTraces
from .diff import compare_traces, differences, normalize, parse_sse, shape
from .drivers import Trace

A, B, C = (str(uuid.uuid4()) for _ in range(3))


def test_ids_are_numbered_by_first_appearance() -> None:
    first = {"thread_id": A, "run": {"thread_id": A, "run_id": B}}
    second = {"thread_id": C, "run": {"thread_id": C, "run_id": A}}
    assert normalize(first) == normalize(second)
    # Keys are walked in sorted order: "run" (and in it "run_id") comes before "thread_id".
    assert normalize(first) == {
        "run": {"run_id": "<uuid:1>", "thread_id": "<uuid:2>"},
        "thread_id": "<uuid:2>",
    }


def test_a_broken_id_reference_is_a_difference() -> None:
    real = {"thread_id": A, "run": {"thread_id": A}}
    fake = {"thread_id": B, "run": {"thread_id": C}}  # points at another thread
    assert differences(normalize(real), normalize(fake)) == [
        '$.thread_id: real="<uuid:1>" fake="<uuid:2>"'
    ]


def test_volatile_values_are_hidden() -> None:
    real = {
        "created_at": "2026-11-23T00:32:58.643988+00:00",
        "interrupt": {"id": "0123456789abcdef0123456789abcdef"},
        "metadata": {"langgraph_request_id": A, "langgraph_api_url": "http://127.0.0.1:2024"},
        "location": "http://127.0.0.1:2024/threads",
        f"lc_run--{A}": 1,
    }
    fake = {
        "created_at": "2020-01-01T00:00:00Z",
        "interrupt": {"id": "fedcba9876543210fedcba9876543210"},
        "metadata": {"langgraph_request_id": B, "langgraph_api_url": "http://localhost:5"},
        "location": "http://127.0.0.1:40111/threads",
        f"lc_run--{B}": 1,
    }
    assert differences(normalize(real), normalize(fake)) == []


def test_key_order_does_not_matter_but_list_order_does() -> None:
    assert normalize({"a": A, "b": B}) == normalize({"b": C, "a": str(uuid.uuid4())})
    assert differences(normalize(["values", "updates"]), normalize(["updates", "values"]))


def test_shape_keeps_keys_and_types_only() -> None:
    assert shape({"version": "0.16.7", "flags": {"crons": True}, "x": [1, 2]}) == {
        "version": "str",
        "flags": {"crons": "bool"},
        "x": ["int"],
    }


def test_parse_sse_drops_comments_and_ids() -> None:
    body = (
        'event: metadata\r\ndata: {"run_id":"r"}\r\n\r\n'
        ": heartbeat\r\n\r\n"
        'event: values\r\ndata: {"a":1}\r\nid: 1795393983719-0\r\n\r\n'
    )
    assert parse_sse(body) == [("metadata", {"run_id": "r"}), ("values", {"a": 1})]


def test_compare_modes() -> None:
    real = {"outputs": [{"status": 422, "body": {"detail": "long schema text"}}], "traffic": []}
    fake = {"outputs": [{"status": 422, "body": {"detail": "short"}}], "traffic": []}
    assert compare_traces(real, fake)
    assert compare_traces(real, fake, modes={0: "status"}) == []
    assert compare_traces(real, fake, modes={0: "shape"}) == []
    listed = {"outputs": [[{"id": A, "name": "b"}, {"id": B, "name": "a"}]], "traffic": []}
    swapped = {"outputs": [[{"id": C, "name": "a"}, {"id": A, "name": "b"}]], "traffic": []}
    assert compare_traces(listed, swapped)
    assert compare_traces(listed, swapped, modes={0: "unordered"}) == []


def _stream(trace: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = trace["outputs"][0]  # the thread run stream, with its events
    return out


ALTERATIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "status": lambda t: _stream(t).update(status=500),
    "missing key": lambda t: _stream(t)["body"][1][1].pop("messages"),
    "extra end event": lambda t: _stream(t)["body"].append(["end", None]),
    "dropped event": lambda t: _stream(t)["body"].pop(),
    "renamed event": lambda t: _stream(t)["body"][-1].__setitem__(0, "value"),
    "other run id": lambda t: _stream(t)["body"][0][1].update(run_id=str(uuid.uuid4())),
    "extra request": lambda t: t["traffic"].append("GET /threads/x/runs/y 200"),
}


@pytest.mark.real_server
@pytest.mark.parametrize("alteration", list(ALTERATIONS))
def test_an_altered_real_response_is_caught(alteration: str, real_traces: RealTraces) -> None:
    trace = real_traces[("raw-sse-and-runs", "raw")]
    assert isinstance(trace, Trace)
    real = trace.as_json()
    assert compare_traces(real, copy.deepcopy(real)) == []
    altered = copy.deepcopy(real)
    ALTERATIONS[alteration](altered)
    assert compare_traces(real, altered), f"{alteration!r} went unnoticed"
