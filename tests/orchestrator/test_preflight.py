"""Configuration mistakes are one line each, before any server starts, in every command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.children import discover_children
from orchestrator.devserver import free_port
from orchestrator.loader import ROOT
from remote_graphs import ConfigError, Registry

REMOTES = (ROOT / "remotes.toml").read_text()


def command(name: str) -> list[str]:
    argv = [sys.executable, "-m", f"orchestrator.{name}"]
    return [*argv, "--port", str(free_port())] if name == "dev" else argv


def run(name: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    state = tmp_path / "state"
    return subprocess.run(
        command(name),
        cwd=ROOT,
        env={**os.environ, "ORCHESTRATOR_STATE_DIR": str(state), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def registry_with(tmp_path: Path, old: str, new: str) -> str:
    assert old in REMOTES
    file = tmp_path / "remotes.toml"
    file.write_text(REMOTES.replace(old, new, 1))
    return str(file)


def assert_one_line_before_anything(
    result: subprocess.CompletedProcess[str], tmp_path: Path, *parts: str
) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith("error: ") and all(p in line for p in parts), line
    assert not (tmp_path / "state" / "servers").exists()
    assert "starting" not in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "parts"),
    [
        (
            'graph_id = "researcher"',
            'grap_id = "researcher"',
            ["'researcher'", "did you mean graph_id"],
        ),
        (
            'url = "http://127.0.0.1:2026"',
            'url = "127.0.0.1:2026"',
            ["'analyst'", "url", "no scheme"],
        ),
        ('url_env = "WRITER_URL"', 'url_env = "writer url"', ["'writer'", "url_env"]),
    ],
)
def test_a_mistake_in_remotes_toml(tmp_path: Path, old: str, new: str, parts: list[str]) -> None:
    config = registry_with(tmp_path, old, new)
    result = run("check", tmp_path, REMOTE_GRAPHS_CONFIG=config)
    assert_one_line_before_anything(result, tmp_path, *parts)


@pytest.mark.parametrize("name", ["run", "dev", "check"])
def test_every_command_stops_at_a_bad_url_in_url_env(tmp_path: Path, name: str) -> None:
    result = run(name, tmp_path, WRITER_URL="localhost:2027")
    assert_one_line_before_anything(result, tmp_path, "'writer'", "WRITER_URL", "no scheme")


@pytest.mark.parametrize("name", ["run", "dev"])
def test_every_command_stops_at_a_typo_before_starting_children(tmp_path: Path, name: str) -> None:
    config = registry_with(tmp_path, "description =", "descripton =")
    result = run(name, tmp_path, REMOTE_GRAPHS_CONFIG=config)
    assert_one_line_before_anything(result, tmp_path, "did you mean description")


@pytest.mark.skipif(
    not hasattr(__import__("orchestrator.model").model, "require_model"),
    reason="orchestrator.model.require_model is not there yet",
)
@pytest.mark.parametrize(
    ("model", "parts"),
    [
        ("nosuchprovider:some-model", ["nosuchprovider"]),
        ("openai:gpt-4.1-mini", ["langchain-openai", "uv add langchain-openai"]),
    ],
)
@pytest.mark.parametrize("name", ["run", "dev"])
def test_a_model_that_cannot_load_is_one_line(
    tmp_path: Path, name: str, model: str, parts: list[str]
) -> None:
    result = run(name, tmp_path, MODEL=model)
    assert_one_line_before_anything(result, tmp_path, *parts)


def test_a_child_folder_without_its_remote(tmp_path: Path) -> None:
    (tmp_path / "graphs" / "translator").mkdir(parents=True)
    (tmp_path / "graphs" / "translator" / "langgraph.json").write_text("{}")
    registry = Registry([{"name": "writer", "url": "http://127.0.0.1:1", "graph_id": "writer"}])
    with pytest.raises(
        ConfigError, match=r"graphs/translator/langgraph.json .* no \[remotes.translator\]"
    ):
        discover_children(tmp_path, registry)


def test_a_child_whose_remote_has_no_url_env(tmp_path: Path) -> None:
    (tmp_path / "graphs" / "writer").mkdir(parents=True)
    (tmp_path / "graphs" / "writer" / "langgraph.json").write_text("{}")
    registry = Registry([{"name": "writer", "url": "http://127.0.0.1:1", "graph_id": "writer"}])
    with pytest.raises(ConfigError, match='add url_env = "WRITER_URL"'):
        discover_children(tmp_path, registry)


def test_children_are_every_folder_with_a_langgraph_json(tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / "graphs" / name).mkdir(parents=True)
        (tmp_path / "graphs" / name / "langgraph.json").write_text("{}")
    (tmp_path / "graphs" / "not_a_child").mkdir()
    registry = Registry(
        [
            {"name": n, "url": "http://127.0.0.1:1", "graph_id": n, "url_env": f"{n.upper()}_URL"}
            for n in ("a", "b")
        ]
    )
    assert [(c.name, c.url_env) for c in discover_children(tmp_path, registry)] == [
        ("a", "A_URL"),
        ("b", "B_URL"),
    ]
