"""`make check`: one line per remote, non-zero exit on any problem."""

from typing import Any

import pytest

from orchestrator import check
from orchestrator.children import discover_children, registry_file, url_variables
from orchestrator.loader import graph_ids, load_graph
from remote_graphs import Registry
from remote_graphs.check import check_remote
from remote_graphs.clients import ClientPool
from remote_graphs.registry import parse_remote
from remote_graphs.testing import Fault


def test_all_remotes_fit(fake_children: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "researcher"],
        ["ok", "analyst"],
        ["ok", "writer"],
    ]


def test_problems_are_named_with_their_fix(
    fake_children: Any, refused_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = ClientPool()
    url = fake_children["researcher"].url
    wrong_graph = check_remote(
        parse_remote({"name": "r", "url": url, "graph_id": "nope"}), pool=pool
    )
    assert "graph 'nope' is not served there" in wrong_graph.line()
    gone = check_remote(parse_remote({"name": "g", "url": refused_url, "graph_id": "x"}), pool=pool)
    assert gone.line().startswith("FAIL") and "unreachable" in gone.line()
    mismatch = check_remote(
        parse_remote({"name": "m", "url": url, "graph_id": "researcher"}),
        input_keys=["question"],
        output_keys=["messages"],
        pool=pool,
    )
    assert "input schema has no 'question' (it has messages)" in mismatch.line()
    fake_children["researcher"].inject(
        Fault.status(401, {"detail": "no"}), path="/assistants/search", times=1
    )
    denied = check_remote(
        parse_remote({"name": "d", "url": url, "graph_id": "researcher"}), pool=pool
    )
    assert "auth rejected (HTTP 401)" in denied.line()
    pool.close()


def test_exit_code_is_non_zero_on_a_problem(
    fake_children: Any,
    monkeypatch: pytest.MonkeyPatch,
    refused_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANALYST_URL", refused_url)
    assert check.main() == 1
    assert "FAIL analyst" in capsys.readouterr().out


@pytest.mark.real_server
def test_against_real_children(
    real_children: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, url in url_variables(discover_children(), real_children).items():
        monkeypatch.setenv(name, url)
    graphs = [load_graph(graph_id) for graph_id in graph_ids()]
    results = check.remote_checks(graphs, Registry.from_file(registry_file()))
    assert results and all(r.ok for r in results), [r.line() for r in results]
