"""The commands read the env file langgraph.json names; the environment wins over it."""

import json
import os
from pathlib import Path

import pytest

from orchestrator.environment import ENV_FILE_ENV, env_file, load_env_file, pointed_at


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV_FILE_ENV)
    (tmp_path / "langgraph.json").write_text(json.dumps({"graphs": {}, "env": ".env"}))
    (tmp_path / ".env").write_text("# local settings\nFROM_FILE=file\nexport BOTH='file'\n")
    return tmp_path / "langgraph.json"


def test_the_env_file_is_the_one_langgraph_json_names(project: Path) -> None:
    assert env_file(project) == project.parent / ".env"


def test_it_fills_in_what_the_environment_does_not_set(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FROM_FILE", raising=False)
    monkeypatch.setenv("BOTH", "shell")
    added = load_env_file(project)
    assert added == {"FROM_FILE": "file"}
    assert os.environ["FROM_FILE"] == "file" and os.environ["BOTH"] == "shell"
    monkeypatch.delenv("FROM_FILE")


def test_no_env_file_is_no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_FILE_ENV)
    (tmp_path / "langgraph.json").write_text(json.dumps({"graphs": {}, "env": ".env"}))
    assert load_env_file(tmp_path / "langgraph.json") == {}


def test_another_env_file_can_be_chosen(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = project.parent / "staging.env"
    other.write_text("STAGE=staging\n")
    monkeypatch.setenv(ENV_FILE_ENV, str(other))
    monkeypatch.delenv("STAGE", raising=False)
    assert load_env_file(project) == {"STAGE": "staging"}
    monkeypatch.delenv("STAGE")


def test_pointed_at_restores_what_was_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPT_URL", "http://before")
    monkeypatch.delenv("NEW_URL", raising=False)
    with pointed_at({"KEPT_URL": "http://during", "NEW_URL": "http://during"}):
        assert os.environ["KEPT_URL"] == os.environ["NEW_URL"] == "http://during"
    assert os.environ["KEPT_URL"] == "http://before" and "NEW_URL" not in os.environ
