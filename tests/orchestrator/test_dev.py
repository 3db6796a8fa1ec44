"""`make dev` wiring: ports never clash, and a remote aimed at the orchestrator is refused."""

import importlib

import pytest

import graphs.pipeline
from orchestrator.children import discover_children
from orchestrator.dev import child_ports, main
from remote_graphs import GuardError


def test_child_ports_avoid_the_orchestrator_port() -> None:
    children = discover_children()
    ports = child_ports(children, avoid=2024)
    assert sorted(ports) == sorted(child.name for child in children)
    assert 2024 not in ports.values() and len(set(ports.values())) == len(children)


def test_taken_port_is_refused_before_anything_starts(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        with pytest.raises(SystemExit):
            main(["--port", str(sock.getsockname()[1])])
    assert "is taken; choose another with make dev PORT=<n>" in capsys.readouterr().err


def test_remote_pointing_at_the_orchestrator_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://0.0.0.0:2024")
    monkeypatch.setenv("WRITER_URL", "http://localhost:2024/")
    try:
        with pytest.raises(GuardError, match="'write' points at this deployment itself"):
            importlib.reload(graphs.pipeline)
    finally:
        monkeypatch.undo()
        importlib.reload(graphs.pipeline)
