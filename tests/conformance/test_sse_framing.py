"""The exact bytes of a run stream, checked on both servers rather than diffed.

Heartbeats (`: heartbeat` every 5 s from the start of the response) are not
checked: seeing one needs a run longer than 5 s, and their placement depends on
timing, so a comparison could never be stable.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from orchestrator.devserver import DevServer

pytestmark = pytest.mark.real_server

BODY = {
    "input": {"messages": [{"role": "user", "content": "hi"}]},
    "config": {"configurable": {}},
    "stream_mode": ["values", "updates"],
    "stream_subgraphs": False,
    "stream_resumable": False,
    "assistant_id": "echo",
    "if_not_exists": "create",
}


@pytest.fixture(params=["real", "fake"])
def server_url(
    request: pytest.FixtureRequest, real_agent_server: DevServer, fake_server_url: str
) -> str:
    return real_agent_server.url if request.param == "real" else fake_server_url


def _stream(url: str, path: str) -> tuple[httpx.Headers, bytes, list[bytes]]:
    with (
        httpx.Client(base_url=url, timeout=30) as client,
        client.stream("POST", path, json=BODY) as response,
    ):
        assert response.status_code == 200
        chunks = list(response.iter_raw())
        return response.headers, b"".join(chunks), chunks


@pytest.mark.parametrize("stateless", [False, True], ids=["thread", "stateless"])
def test_sse_framing(server_url: str, stateless: bool) -> None:
    thread_id = str(uuid.uuid4())
    path = "/runs/stream" if stateless else f"/threads/{thread_id}/runs/stream"
    headers, body, _ = _stream(server_url, path)

    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    location, content_location = headers["location"], headers["content-location"]
    assert location.startswith("/")  # relative: the SDK only follows same-origin
    assert location == content_location + "/stream"
    if not stateless:
        assert content_location.startswith(f"/threads/{thread_id}/runs/")

    assert body.endswith(b"\r\n\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # every line ends with CRLF
    events = [block.split(b"\r\n") for block in body.split(b"\r\n\r\n")[:-1]]
    names = [lines[0].decode() for lines in events]
    assert names[0] == "event: metadata"
    assert "event: end" not in names  # the stream just closes
    assert names[1:] == ["event: values", "event: updates", "event: values"]
    for lines in events:
        assert len(lines) == 2  # no `id:` line unless stream_resumable
        assert lines[1].startswith(b"data: ")
        json.loads(lines[1][6:])
    metadata = json.loads(events[0][1][6:])
    assert set(metadata) == {"run_id", "attempt"}
    assert content_location.endswith(metadata["run_id"])
