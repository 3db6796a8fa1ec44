"""`check_remote` relies only on what a real Agent Server answers, so it says the same on both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from orchestrator.devserver import DevServer
from remote_graphs.check import CheckResult, check_remote
from remote_graphs.clients import ClientPool
from remote_graphs.registry import parse_remote
from remote_graphs.testing import FakeAgentServer, assistant_id_for
from tests.sample_graphs.graphs import GRAPHS

SERVED = "asker, chatty, echo, failing, filtered, nested, nested_asker, slow"


@pytest.fixture(params=["fake", pytest.param("real", marks=pytest.mark.real_server)])
def url(request: pytest.FixtureRequest, fake: FakeAgentServer) -> str:
    if request.param == "real":
        server: DevServer = request.getfixturevalue("real_agent_server")
        return server.url
    return fake.url


@pytest.fixture
def check(url: str) -> Iterator[object]:
    pool = ClientPool()

    def run(**remote: object) -> CheckResult:
        spec = parse_remote({"name": "r", "url": url, **remote})
        return check_remote(spec, input_keys=["messages"], output_keys=["messages"], pool=pool)

    yield run
    pool.close()


def test_a_served_graph_fits(check) -> None:  # type: ignore[no-untyped-def]
    result = check(graph_id="echo")
    assert result.ok, result.line()


def test_a_graph_not_served_names_the_ones_that_are(check) -> None:  # type: ignore[no-untyped-def]
    result = check(graph_id="nope")
    assert result.problems == [f"graph 'nope' is not served there; it serves: {SERVED}"]


def test_an_unknown_assistant_names_the_served_graphs(check) -> None:  # type: ignore[no-untyped-def]
    missing = str(uuid.uuid4())
    result = check(assistant_id=missing)
    assert result.problems == [f"assistant '{missing}' is not served there; it serves: {SERVED}"]


def test_a_known_assistant_id_is_found(check) -> None:  # type: ignore[no-untyped-def]
    result = check(assistant_id=assistant_id_for("echo"))
    assert result.ok, result.line()


def test_schema_keys_are_compared(check) -> None:  # type: ignore[no-untyped-def]
    result = check(graph_id="filtered")
    assert result.problems == [
        "input schema has no 'messages' (it has question); fix the input= mapping of 'r'",
        "output schema has no 'messages' (it has answer); fix the output= mapping of 'r'",
    ]


def test_every_sample_graph_is_listed() -> None:
    assert ", ".join(sorted(GRAPHS)) == SERVED
