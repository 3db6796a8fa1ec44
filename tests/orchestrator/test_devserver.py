"""Tests for starting and stopping real `langgraph dev` servers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from orchestrator.devserver import (
    DevServer,
    DevServerError,
    free_port,
    langgraph_command,
    resolve_config_paths,
    run_dev_servers,
    server_env,
)
from tests.conftest import SAMPLE_GRAPHS


def _gone(pid: int) -> bool:
    """Tell whether no process is left in the group led by `pid`."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _write_config(folder: Path, graphs: dict[str, str]) -> Path:
    config = folder / "langgraph.json"
    config.write_text(json.dumps({"dependencies": ["."], "graphs": graphs}))
    return config


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 1024 <= port <= 65535


def test_command_uses_this_interpreter_and_flags(tmp_path: Path) -> None:
    server = DevServer(SAMPLE_GRAPHS.parent, cwd=tmp_path, port=1234, n_jobs=7)
    argv = server.command()
    assert argv[: len(langgraph_command())] == langgraph_command()
    assert argv[len(langgraph_command())] == "dev"
    for flag in (["--host", "127.0.0.1"], ["--port", "1234"], ["--n-jobs-per-worker", "7"]):
        i = argv.index(flag[0])
        assert argv[i : i + 2] == flag
    assert "--no-browser" in argv
    assert "--no-reload" in argv
    assert server.config == SAMPLE_GRAPHS.resolve()


def test_missing_config_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        DevServer(tmp_path / "nope.json")


def test_server_env_drops_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "corp.example")
    env = server_env({"EXTRA": "1"})
    assert "HTTPS_PROXY" not in env
    assert "http_proxy" not in env
    assert env["NO_PROXY"] == "corp.example,127.0.0.1,localhost,::1"
    assert env["EXTRA"] == "1"


def test_server_env_is_quiet_but_respects_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGGRAPH_CLI_NO_ANALYTICS", raising=False)
    monkeypatch.setenv("LANGGRAPH_NO_VERSION_CHECK", "false")
    env = server_env()
    assert env["LANGGRAPH_CLI_NO_ANALYTICS"] == "1"
    assert env["LANGGRAPH_NO_VERSION_CHECK"] == "false"
    assert env["LANGSMITH_TRACING"] == "false"  # inherited from the test session, not forced


def test_resolve_config_paths_makes_local_paths_absolute(tmp_path: Path) -> None:
    config = {
        "dependencies": [".", "./lib", "some-package"],
        "graphs": {
            "a": "./graphs.py:a",
            "b": "pkg.module:b",
            "c": {"path": "./sub/c.py:c", "description": "C"},
        },
        "env": ".env",
        "auth": {"path": "./auth.py:auth"},
    }
    out = resolve_config_paths(config, tmp_path)
    assert out["dependencies"] == [str(tmp_path), str(tmp_path / "lib"), "some-package"]
    assert out["graphs"]["a"] == f"{tmp_path / 'graphs.py'}:a"
    assert out["graphs"]["b"] == "pkg.module:b"
    assert out["graphs"]["c"] == {"path": f"{tmp_path / 'sub' / 'c.py'}:c", "description": "C"}
    assert out["env"] == str(tmp_path / ".env")
    assert out["auth"] == {"path": f"{tmp_path / 'auth.py'}:auth"}
    assert config["graphs"]["a"] == "./graphs.py:a"  # the input is left alone


@pytest.mark.real_server
def test_session_server_serves_the_sample_graphs(real_agent_server: DevServer) -> None:
    assert real_agent_server.running
    assert httpx.get(f"{real_agent_server.url}/ok").json()["ok"] is True
    found = httpx.post(f"{real_agent_server.url}/assistants/search", json={"limit": 50}).json()
    assert {a["graph_id"] for a in found} == {
        "echo",
        "asker",
        "failing",
        "nested",
        "chatty",
        "slow",
        "filtered",
        "nested_asker",
    }
    assert (real_agent_server.cwd / ".langgraph_api").is_dir()
    assert real_agent_server.log_path.is_file()


@pytest.mark.real_server
def test_several_servers_start_together_and_always_stop(tmp_path: Path) -> None:
    servers = [DevServer(SAMPLE_GRAPHS, cwd=tmp_path / name) for name in ("a", "b")]
    pids: list[int] = []
    with pytest.raises(KeyError), run_dev_servers(servers) as started:
        assert len({s.port for s in started}) == 2
        for server in started:
            assert server.pid is not None
            pids.append(server.pid)
            assert httpx.get(f"{server.url}/ok").status_code == 200
        raise KeyError("a failing test body")
    assert len(pids) == 2
    assert all(_gone(pid) for pid in pids)
    assert not any(s.running for s in servers)
    assert all((tmp_path / name / "langgraph-dev.log").is_file() for name in ("a", "b"))


@pytest.mark.real_server
def test_server_that_dies_reports_its_log(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise ImportError('broken on purpose')\n")
    config = _write_config(tmp_path, {"broken": "./broken.py:graph"})
    server = DevServer(config, cwd=tmp_path / "run")
    with pytest.raises(DevServerError, match=r"(?s)exited with code.*broken on purpose"):
        server.start()
    assert not server.running
    assert server.pid is None


@pytest.mark.real_server
def test_server_not_ready_in_time_is_stopped(tmp_path: Path) -> None:
    server = DevServer(SAMPLE_GRAPHS, cwd=tmp_path, startup_timeout=0.0)
    server.launch()
    pid = server.pid
    assert pid is not None
    with pytest.raises(DevServerError, match="was not ready after"):
        server.wait_ready()
    assert _gone(pid)
    server.stop()  # stopping twice is harmless
