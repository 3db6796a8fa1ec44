from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langgraph.types import RetryPolicy

from remote_graphs import ConfigError, Registry
from remote_graphs.registry import CONFIG_ENV, RemoteSpec, Retry, Timeouts, parse_remote

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
        ({"api_key_env": "not a var"}, "api_key_env", "like RESEARCHER_API_KEY"),
        ({"api_key_env": "researcher_key"}, "api_key_env", "in capitals"),
        ({"url_env": "https://x.example"}, "url_env", "like RESEARCHER_URL; the URL goes in url"),
        ({"header_envs": {"X-Token": "x-token"}}, "header_envs", "like X_TOKEN"),
        ({"graph_id": ""}, "graph_id", "is empty"),
        ({"graph_id": " \t"}, "graph_id", "is empty"),
        ({"graph_id": " researcher "}, "graph_id", "write 'researcher'"),
        ({"url": "127.0.0.1:2025"}, "url", "write it as http://127.0.0.1:2025"),
        ({"url": "localhost:2025"}, "url", "write it as http://localhost:2025"),
        ({"url": "https:/x.example"}, "url", "write it as https://x.example"),
        ({"url": "https://x.example/?key=1"}, "url", "only the deployment's base URL"),
        ({"url": "http://h:99999"}, "url", "'http://h:99999' has a bad port"),
        ({"url": "ftp://x.example"}, "url", "not an http(s) URL"),
        ({"headers": {"Authorization": "Bearer x"}}, "headers", "header_envs"),
        ({"header_envs": {"x-api-key": "K"}}, "header_envs", "api_key_env"),
        ({"timeout": {"read": -1}}, "timeout.read", "greater than 0"),
        ({"retry": {"max_attempts": 0}}, "retry.max_attempts", "greater than or equal to 1"),
        ({"colour": "red"}, "colour", "unknown field; the fields are url, url_env, graph_id"),
        ({"grpah_id": "researcher", "graph_id": None}, "grpah_id", "did you mean graph_id?"),
        ({"url_evn": "RESEARCHER_URL"}, "url_evn", "did you mean url_env?"),
        ({"timeout": {"raed": 3}}, "timeout.raed", "did you mean read?"),
        ({"retry": {"max_attempt": 3}}, "retry.max_attempt", "did you mean max_attempts?"),
    ],
)
def test_invalid_remote_names_remote_and_field(change: dict, field: str, hint: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(ConfigError) as info:
        parse_remote(data)
    text = str(info.value)
    assert "\n" not in text
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


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("localhost:2025", "'localhost:2025' has no scheme; write it as http://localhost:2025"),
        ("http://bob:hunter2@h.example", "carries a user name or password"),
        ("https://h.example/?token=hunter2", "carries a query"),
    ],
)
def test_bad_url_in_url_env_fails_when_the_file_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, hint: str
) -> None:
    file = tmp_path / "remotes.toml"
    file.write_text(
        '[remotes.researcher]\nurl = "http://127.0.0.1:2025"\nurl_env = "RESEARCHER_URL"\n'
        'graph_id = "researcher"\n'
    )
    monkeypatch.setenv("RESEARCHER_URL", value)
    with pytest.raises(ConfigError) as info:
        Registry.from_file(file)
    assert str(info.value).startswith("remote 'researcher': RESEARCHER_URL: ")
    assert hint in str(info.value)
    assert "hunter2" not in str(info.value)


def test_check_environment_sees_variables_set_after_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RESEARCHER_URL", raising=False)
    registry = Registry([{**GOOD, "url_env": "RESEARCHER_URL"}])
    registry.check_environment()
    monkeypatch.setenv("RESEARCHER_URL", "http//127.0.0.1:2025")
    with pytest.raises(ConfigError, match=r"remote 'researcher': RESEARCHER_URL: .*no scheme"):
        registry.check_environment()


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
        ("[remote.r]\nurl = 'http://x'\n", r"\(did you mean remotes\?\)"),
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


FIELDS = {
    (): sorted(set(RemoteSpec.model_fields) - {"name"}),
    ("timeout",): sorted(Timeouts.model_fields),
    ("retry",): sorted(Retry.model_fields),
}


@st.composite
def misspelt_field(draw: st.DrawFn) -> tuple[tuple[str, ...], str, str]:
    """Draw a field and a typo of it: one letter dropped, doubled or swapped with the next."""
    table = draw(st.sampled_from(sorted(FIELDS)))
    field = draw(st.sampled_from(FIELDS[table]))
    i = draw(st.integers(0, len(field) - 2))
    typo = draw(
        st.sampled_from(
            [
                field[:i] + field[i + 1 :],
                field[:i] + field[i] + field[i:],
                field[:i] + field[i + 1] + field[i] + field[i + 2 :],
            ]
        ).filter(lambda t: t not in FIELDS[table])
    )
    return table, field, typo


@settings(max_examples=150, deadline=None)
@given(misspelt_field())
def test_a_misspelt_field_is_named_with_the_field_meant(
    case: tuple[tuple[str, ...], str, str],
) -> None:
    table, field, typo = case
    data = dict(GOOD)
    if table:
        data[table[0]] = {typo: 1}
    else:
        data[typo] = data.pop(field, "x")
    with pytest.raises(ConfigError) as info:
        parse_remote(data)
    text = str(info.value)
    assert f"{'.'.join([*table, typo])}: unknown field; did you mean {field}?" in text
    assert "\n" not in text
