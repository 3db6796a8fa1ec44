import asyncio

import pytest

from remote_graphs import ConfigError
from remote_graphs.clients import ClientPool, auth_headers
from remote_graphs.registry import parse_remote

BASE = {"name": "r", "url": "http://127.0.0.1:2025", "graph_id": "g"}


def test_api_key_read_from_named_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("R_KEY", "secret-r")
    headers = auth_headers(parse_remote({**BASE, "api_key_env": "R_KEY"}))
    assert headers["x-api-key"] == "secret-r"
    assert "X-Auth-Scheme" not in headers


def test_langsmith_pat_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("R_KEY", "pat")
    spec = parse_remote({**BASE, "api_key_env": "R_KEY", "auth_scheme": "langsmith-api-key"})
    assert auth_headers(spec) == {"x-api-key": "pat", "X-Auth-Scheme": "langsmith-api-key"}


def test_missing_secret_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("R_KEY", raising=False)
    with pytest.raises(
        ConfigError, match="remote 'r' needs its API key in environment variable R_KEY"
    ):
        auth_headers(parse_remote({**BASE, "api_key_env": "R_KEY"}))


def test_secret_header_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN", "Bearer abc")
    spec = parse_remote(
        {**BASE, "header_envs": {"Authorization": "TOKEN"}, "headers": {"x-team": "a"}}
    )
    assert auth_headers(spec) == {"x-team": "a", "Authorization": "Bearer abc"}


def test_key_over_plain_http_to_other_host_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("R_KEY", "k")
    spec = parse_remote({**BASE, "url": "http://remote.example", "api_key_env": "R_KEY"})
    with pytest.raises(ConfigError, match="plain http") as info:
        auth_headers(spec)
    assert "k" not in str(info.value).split("http")[0]
    allowed = parse_remote(
        {
            **BASE,
            "url": "http://remote.example",
            "api_key_env": "R_KEY",
            "allow_insecure_http": True,
        }
    )
    assert auth_headers(allowed)["x-api-key"] == "k"


def test_env_key_is_ignored_unless_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each key goes only to its own remote: a global LANGSMITH_API_KEY is not sprayed everywhere.
    monkeypatch.setenv("LANGSMITH_API_KEY", "global")
    pool = ClientPool()
    client = pool.get(parse_remote(BASE)).sync()
    assert "x-api-key" not in client.http.client.headers
    pool.close()


def test_pool_reuses_and_replaces() -> None:
    pool = ClientPool()
    spec = parse_remote(BASE)
    clients = pool.get(spec)
    assert pool.get(spec) is clients
    assert clients.sync() is clients.sync()
    changed = pool.get(parse_remote({**BASE, "timeout": {"read": 5}}))
    assert changed is not clients
    pool.close()


def test_async_client_per_event_loop() -> None:
    pool = ClientPool()
    clients = pool.get(parse_remote(BASE))

    async def grab() -> object:
        return clients.async_()

    first = asyncio.run(grab())
    second = asyncio.run(grab())  # a new loop must not reuse a client bound to a closed loop
    assert first is not second

    async def same_loop() -> None:
        assert clients.async_() is clients.async_()
        await pool.aclose()

    asyncio.run(same_loop())


def test_pool_follows_a_changed_url_env(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ClientPool()
    spec = parse_remote({**BASE, "url_env": "R_URL"})
    monkeypatch.setenv("R_URL", "http://127.0.0.1:3001")
    first = pool.get(spec)
    monkeypatch.setenv("R_URL", "http://127.0.0.1:3002")
    second = pool.get(spec)
    assert (first.url, second.url) == ("http://127.0.0.1:3001", "http://127.0.0.1:3002")
    pool.close()
