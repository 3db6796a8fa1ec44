"""The three child deployments on the real ``langgraph dev``, reached through the SDK.

One server per deployment, each from its own ``graphs/<name>/langgraph.json`` in a
fresh temporary folder (so the configs' relative paths must resolve from anywhere),
booted in parallel once for the module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from orchestrator.devserver import DevServer, run_dev_servers
from tests.conftest import SERVER_TRIPWIRE_ENV

pytestmark = pytest.mark.real_server

GRAPHS = Path(__file__).resolve().parents[2] / "graphs"
CHILDREN = ("researcher", "analyst", "writer")
TASK = "How much do wind turbines produce? What is the average capacity factor?"


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SyncLangGraphClient]]:
    """Serve each child on its own free port; yield one SDK client per child."""
    servers = [
        DevServer(
            GRAPHS / name / "langgraph.json",
            cwd=tmp_path_factory.mktemp(f"dev-{name}"),
            n_jobs=4,
            env=SERVER_TRIPWIRE_ENV,
            startup_timeout=90,
        )
        for name in CHILDREN
    ]
    with run_dev_servers(servers) as started:
        clients = {
            name: get_sync_client(url=server.url, timeout=30)
            for name, server in zip(CHILDREN, started, strict=True)
        }
        try:
            yield clients
        finally:
            for client in clients.values():
                client.close()


def human(text: str) -> dict[str, Any]:
    return {"type": "human", "content": text}


def last_message(values: Any) -> dict[str, Any]:
    assert isinstance(values, dict), values
    message: dict[str, Any] = values["messages"][-1]
    return message


def test_each_deployment_serves_its_graph_with_a_description(
    clients: dict[str, SyncLangGraphClient],
) -> None:
    for name, client in clients.items():
        (assistant,) = client.assistants.search(graph_id=name)
        assert assistant["name"] == name
        assert assistant["description"]


def test_researcher_run(clients: dict[str, SyncLangGraphClient]) -> None:
    values = clients["researcher"].runs.wait(
        None, "researcher", input={"messages": [human("offshore wind capacity factor")]}
    )
    answer = last_message(values)
    assert (answer["type"], answer["name"]) == ("ai", "researcher")
    assert "(source: offshore-wind.md)" in answer["content"]


def test_analyst_run(clients: dict[str, SyncLangGraphClient]) -> None:
    findings = last_message(
        clients["researcher"].runs.wait(
            None, "researcher", input={"messages": [human("wind capacity factor")]}
        )
    )
    values = clients["analyst"].runs.wait(
        None,
        "analyst",
        input={"messages": [human(f"{TASK} And what is (9200 - 2190) / 2190?"), findings]},
    )
    answer = last_message(values)
    assert (answer["type"], answer["name"]) == ("ai", "analyst")
    assert "- (9200 - 2190) / 2190 = 3.2009" in answer["content"]
    assert "mean" in answer["content"]


def test_writer_streams_tokens_pauses_and_publishes_when_approved(
    clients: dict[str, SyncLangGraphClient],
) -> None:
    client = clients["writer"]
    thread = client.threads.create()
    started = time.monotonic()
    tokens: list[str] = []
    for part in client.runs.stream(
        thread["thread_id"],
        "writer",
        input={"messages": [human(TASK), _findings_message()]},
        stream_mode="messages-tuple",
    ):
        if part.event == "messages":
            chunk, metadata = part.data
            assert metadata["langgraph_node"] == "write_draft"
            tokens.append(chunk["content"])
    assert len(tokens) > 20, tokens
    state = client.threads.get_state(thread["thread_id"])
    (pause,) = state["interrupts"]
    assert pause["value"] == {"question": "Approve this answer?", "draft": "".join(tokens)}

    values = client.runs.wait(thread["thread_id"], "writer", command={"resume": {"approved": True}})
    answer = last_message(values)
    assert (answer["type"], answer["name"]) == ("ai", "writer")
    assert answer["content"] == pause["value"]["draft"]
    assert not client.threads.get_state(thread["thread_id"])["interrupts"]
    assert time.monotonic() - started < 30


def test_writer_reports_a_rejection(clients: dict[str, SyncLangGraphClient]) -> None:
    client = clients["writer"]
    thread = client.threads.create()
    client.runs.wait(thread["thread_id"], "writer", input={"messages": [human(TASK)]})
    values = client.runs.wait(
        thread["thread_id"],
        "writer",
        command={"resume": {"approved": False, "feedback": "Too long."}},
    )
    answer = last_message(values)
    assert answer["name"] == "writer"
    assert answer["content"] == "The draft was rejected. Feedback: Too long."


def _findings_message() -> dict[str, Any]:
    return {
        "type": "ai",
        "name": "researcher",
        "content": (
            'Findings for "wind":\n1. Onshore wind farms have an average capacity factor of '
            "about 35%. (source: wind-power.md)\n2. Offshore wind reaches an average capacity "
            "factor of about 45%. (source: offshore-wind.md)"
        ),
    }
