from pathlib import Path

import pytest
from langgraph.types import RetryPolicy

from remote_graphs import ConfigError, Registry, RemoteSpec
from remote_graphs.registry import CONFIG_ENV, parse_remote

GOOD = {"name": "researcher", "url": "http://127.0.0.1:2025/", "graph_id": "researcher"}


def test_valid_remote_defaults() -> None:
    spec = parse_remote(GOOD)
    assert spec.url == "http://127.0.0.1:2025"
    assert spec.assistant == "researcher"
    assert spec.timeout.read == 300
    assert isinstance(spec.retry.policy(), RetryPolicy)


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        ({"url": "127.0.0.1:2025"}, "url", "http"),
        ({"name": "9lives"}, "name", "start with a letter"),
        ({"graph_id": None}, "remote", "exactly one of graph_id or assistant_id"),
        ({"assistant_id": "abc"}, "assistant_id", "graph_id"),
        ({"api_key_env": "not a var"}, "api_key_env", "environment variable"),
        ({"headers": {"Authorization": "Bearer x"}}, "headers", "header_envs"),
        ({"header_envs": {"x-api-key": "K"}}, "header_envs", "api_key_env"),
        ({"timeout": {"read": -1}}, "timeout.read", "greater than 0"),
        ({"retry": {"max_attempts": 0}}, "retry.max_attempts", "greater than or equal to 1"),
        ({"colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_invalid_remote_names_remote_and_field(change: dict, field: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_remote({**GOOD, **change})
    text = str(info.value)
    assert "remote 'researcher'" in text or "remote '9lives'" in text
    assert f"{field}:" in text
    assert hint in text


def test_url_env_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = parse_remote({**GOOD, "url_env": "RESEARCHER_URL"})
    monkeypatch.delenv("RESEARCHER_URL", raising=False)
    assert spec.resolved_url() == "http://127.0.0.1:2025"
    monkeypatch.setenv("RESEARCHER_URL", "https://research.example.com/")
    assert spec.resolved_url() == "https://research.example.com"
    monkeypatch.setenv("RESEARCHER_URL", "nonsense")
    with pytest.raises(ConfigError, match="RESEARCHER_URL"):
        spec.resolved_url()


def test_registry_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "remotes.toml"
    file.write_text(
        """
[remotes.researcher]
url = "http://127.0.0.1:2025"
graph_id = "researcher"
description = "Finds facts."

[remotes.writer]
url = "https://writer.example.com"
assistant_id = "6ba7b821-9dad-11d1-80b4-00c04fd430c8"
api_key_env = "WRITER_API_KEY"
auth_scheme = "langsmith-api-key"
timeout = { read = 60 }
"""
    )
    monkeypatch.setenv(CONFIG_ENV, str(file))
    registry = Registry.from_file()
    assert list(registry) == ["researcher", "writer"]
    assert registry["writer"].timeout.read == 60
    assert isinstance(registry["researcher"], RemoteSpec)
    with pytest.raises(
        ConfigError, match="unknown remote 'nope'; declared remotes: researcher, writer"
    ):
        registry["nope"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("[remotes", "not valid TOML"),
        ("title = 'x'", "declare remotes"),
        ("[remotes]\nresearcher = 3", "must be a table"),
        ("[remotes.r]\nurl = 'http://x'\n", "remote 'r' is invalid"),
    ],
)
def test_registry_file_errors(tmp_path: Path, text: str, hint: str) -> None:
    file = tmp_path / "remotes.toml"
    file.write_text(text)
    with pytest.raises(ConfigError, match=hint):
        Registry.from_file(file)


def test_missing_registry_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        Registry.from_file(tmp_path / "absent.toml")


def test_duplicate_names() -> None:
    with pytest.raises(ConfigError, match="declared twice"):
        Registry([GOOD, GOOD])
