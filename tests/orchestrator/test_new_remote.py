"""`make new-remote`: the files it writes, and the names it refuses."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from orchestrator.children import discover_children
from orchestrator.loader import ROOT, load_graph
from orchestrator.new_remote import check_name, create
from remote_graphs import ConfigError, Registry


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's remotes and child folders (nothing else is read or written)."""
    shutil.copy(ROOT / "remotes.toml", tmp_path / "remotes.toml")
    shutil.copytree(
        ROOT / "graphs", tmp_path / "graphs", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_it_writes_a_child_its_remote_and_its_test(project: Path) -> None:
    before = (project / "remotes.toml").read_text()
    written = create(check_name("translator", project))
    assert sorted(str(p.relative_to(project)) for p in written) == [
        "graphs/translator/__init__.py",
        "graphs/translator/graph.py",
        "graphs/translator/langgraph.json",
        "remotes.toml",
        "tests/graphs/__init__.py",
        "tests/graphs/test_translator.py",
    ]
    after = (project / "remotes.toml").read_text()
    assert after.startswith(before.rstrip("\n"))  # appended, comments kept
    entry = tomllib.loads(after)["remotes"]["translator"]
    declared_ports = [
        int(r["url"].rsplit(":", 1)[1]) for r in tomllib.loads(before)["remotes"].values()
    ]
    assert entry["url"] == f"http://127.0.0.1:{max(declared_ports) + 1}"
    assert (entry["url_env"], entry["graph_id"]) == ("TRANSLATOR_URL", "translator")
    registry = Registry.from_file(project / "remotes.toml")
    assert "translator" in [c.name for c in discover_children(project, registry)]


def test_the_new_graph_loads_and_answers(project: Path) -> None:
    create(check_name("echo_bot", project))
    graph = load_graph("echo_bot", project / "graphs" / "echo_bot" / "langgraph.json")
    out = graph.invoke({"messages": [("user", "Hi")]})
    assert out["messages"][-1].text == "echo_bot received: Hi"


def test_the_written_files_pass_the_linters(project: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "src").symlink_to(ROOT / "src")  # so the linter knows the project's packages
    create(check_name("a" * 40, project))
    files = [str(p.relative_to(project)) for p in project.rglob("*.py") if "a" * 40 in str(p)]
    for tool in (["ruff", "check", "--no-cache"], ["ruff", "format", "--check", "--no-cache"]):
        result = subprocess.run(
            [sys.executable, "-m", *tool, *files], cwd=project, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "say which remote to create: make new-remote NAME=<name>"),
        ("Translator", "'Translator' cannot name a remote: use lower-case letters"),
        ("my-agent", "e.g. my_agent"),
        ("9lives", "starting with a letter"),
        ("class", "'class' cannot name a remote"),
        ("writer", "'writer' is taken: graphs/writer already exists"),
        ("__init__", "cannot name a remote"),
    ],
)
def test_bad_or_taken_names_are_refused(project: Path, name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("<", "<")):
        check_name(name, project)


def test_a_name_declared_only_in_remotes_toml_is_taken(project: Path) -> None:
    (project / "remotes.toml").write_text(
        (project / "remotes.toml").read_text()
        + '\n[remotes.billing]\nurl = "https://billing.example.com"\ngraph_id = "billing"\n'
    )
    with pytest.raises(ConfigError, match=r"remotes.toml already declares \[remotes.billing\]"):
        check_name("billing", project)


def test_the_command_prints_one_line_for_a_bad_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "orchestrator.new_remote", "Bad Name"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: 'Bad Name' cannot name a remote")
    assert len(result.stderr.strip().splitlines()) == 1
