"""Configuration mistakes are one line each, before any server starts, in every command."""

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestrator import check, dev, run
from orchestrator.children import discover_children
from orchestrator.devserver import free_port
from orchestrator.loader import ROOT
from remote_graphs import ConfigError, Registry

REMOTES = (ROOT / "remotes.toml").read_text()


MAINS: dict[str, Callable[[], int]] = {
    "run": lambda: run.main([]),
    "dev": lambda: dev.main(["--port", str(free_port())]),
    "check": check.main,
}


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Outcome]:
    """Run a command in this process with extra environment variables; nothing is started."""

    def run_it(name: str, **env: str) -> Outcome:
        monkeypatch.setenv("ORCHESTRATOR_STATE_DIR", str(tmp_path / "state"))
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        code = MAINS[name]()
        out = capsys.readouterr()
        return Outcome(code, out.out, out.err)

    return run_it


def registry_with(tmp_path: Path, old: str, new: str) -> str:
    assert old in REMOTES
    file = tmp_path / "remotes.toml"
    file.write_text(REMOTES.replace(old, new, 1))
    return str(file)


def assert_one_line_before_anything(
    result: Outcome | subprocess.CompletedProcess[str], tmp_path: Path, *parts: str
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
def test_a_mistake_in_remotes_toml(
    command: Callable[..., Outcome], tmp_path: Path, old: str, new: str, parts: list[str]
) -> None:
    config = registry_with(tmp_path, old, new)
    result = command("check", REMOTE_GRAPHS_CONFIG=config)
    assert_one_line_before_anything(result, tmp_path, *parts)


@pytest.mark.parametrize("name", ["run", "dev", "check"])
def test_every_command_stops_at_a_bad_url_in_url_env(
    command: Callable[..., Outcome], tmp_path: Path, name: str
) -> None:
    result = command(name, WRITER_URL="localhost:2027")
    assert_one_line_before_anything(result, tmp_path, "'writer'", "WRITER_URL", "no scheme")


@pytest.mark.parametrize("name", ["run", "dev"])
def test_every_command_stops_at_a_typo_before_starting_children(
    command: Callable[..., Outcome], tmp_path: Path, name: str
) -> None:
    config = registry_with(tmp_path, "description =", "descripton =")
    result = command(name, REMOTE_GRAPHS_CONFIG=config)
    assert_one_line_before_anything(result, tmp_path, "did you mean description")


@pytest.mark.parametrize(
    ("model", "parts"),
    [
        ("nosuchprovider:some-model", ["nosuchprovider"]),
        ("openai:gpt-4.1-mini", ["langchain-openai", "uv add langchain-openai"]),
    ],
)
@pytest.mark.parametrize("name", ["run", "dev"])
def test_a_model_that_cannot_load_is_one_line(
    command: Callable[..., Outcome], tmp_path: Path, name: str, model: str, parts: list[str]
) -> None:
    result = command(name, MODEL=model)
    assert_one_line_before_anything(result, tmp_path, *parts)


def test_the_command_itself_prints_only_that_line(tmp_path: Path) -> None:
    config = registry_with(tmp_path, 'graph_id = "researcher"', 'grap_id = "researcher"')
    result = subprocess.run(
        [sys.executable, "-m", "orchestrator.run"],
        cwd=ROOT,
        env={
            **os.environ,
            "REMOTE_GRAPHS_CONFIG": config,
            "ORCHESTRATOR_STATE_DIR": str(tmp_path / "state"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line_before_anything(result, tmp_path, "did you mean graph_id")
    assert result.stdout == ""


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


def test_make_dev_refuses_a_remote_aimed_at_the_orchestrator(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run(  # a fresh process: the graphs are built there, as in make dev
        [sys.executable, "-m", "orchestrator.dev", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "WRITER_URL": f"http://localhost:{port}/",
            "ORCHESTRATOR_STATE_DIR": str(tmp_path / "state"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_line_before_anything(result, tmp_path, "points at this deployment itself")
