import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remote_graphs import ConfigError, GuardError
from remote_graphs.guard import (
    CALL_CHAIN_HEADER,
    MAX_DEPTH_ENV,
    SELF_URL_ENV,
    check_call,
    check_static,
    normalize_url,
)


@pytest.fixture(autouse=True)
def _no_self_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGGRAPH_API_URL", raising=False)
    monkeypatch.delenv(SELF_URL_ENV, raising=False)
    monkeypatch.delenv(MAX_DEPTH_ENV, raising=False)


@pytest.mark.parametrize(
    "alias",
    [
        "http://localhost:2024",
        "http://LOCALHOST:2024/",
        "HTTP://127.0.0.1:2024//",
        "http://127.1.2.3:2024",
        "http://0.0.0.0:2024",
        "http://[::1]:2024/",
        f"http://{socket.gethostname()}:2024",
    ],
)
def test_aliases_of_this_machine_normalise_equal(alias: str) -> None:
    assert normalize_url(alias) == normalize_url("http://localhost:2024")


def test_default_ports_and_case() -> None:
    assert normalize_url("https://Example.COM/") == normalize_url("https://example.com:443")
    assert normalize_url("http://example.com") == "http://example.com:80"
    assert normalize_url("http://a.example:8000/api/") == "http://a.example:8000/api"
    assert normalize_url("http://localhost:2024") != normalize_url("http://localhost:2025")
    assert normalize_url("http://example.com") != normalize_url("https://example.com")


@pytest.mark.parametrize(
    "bad", ["localhost:2024", "ftp://x", "http://", "not a url", "http://h:99999"]
)
def test_bad_urls_are_config_errors(bad: str) -> None:
    with pytest.raises(ConfigError):
        normalize_url(bad)


@pytest.mark.parametrize("source", ["LANGGRAPH_API_URL", SELF_URL_ENV])
def test_self_call_refused_statically(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    monkeypatch.setenv(source, "http://0.0.0.0:2024")
    with pytest.raises(GuardError, match="points at this deployment itself"):
        check_static("me", "http://localhost:2024/")
    check_static("other", "http://localhost:2025")


def test_self_call_refused_from_run_metadata() -> None:
    with pytest.raises(GuardError, match="itself"):
        check_call(
            "me", "http://127.0.0.1:9000", metadata={"langgraph_api_url": "http://localhost:9000"}
        )


def test_chain_extends_with_self(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://localhost:2024")
    chain = check_call(
        "b", "http://localhost:3000", configurable={CALL_CHAIN_HEADER: "https://up.example"}
    )
    assert chain == "https://up.example:443,http://localhost:2024"
    # without a known self URL the chain is passed on as it came
    monkeypatch.delenv("LANGGRAPH_API_URL")
    assert check_call("b", "http://localhost:3000") == ""


def test_cycle_back_to_caller_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # B (self) was called by A; B calling A again would close A -> B -> A.
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://localhost:3000")
    with pytest.raises(GuardError, match="call cycle"):
        check_call(
            "a", "http://localhost:2024", configurable={CALL_CHAIN_HEADER: "http://localhost:2024"}
        )


def test_finding_itself_in_the_chain_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGGRAPH_API_URL", "http://localhost:3000")
    chain = "http://localhost:2024,http://127.0.0.1:3000"
    with pytest.raises(GuardError, match="already in the call chain"):
        check_call("c", "http://localhost:4000", configurable={CALL_CHAIN_HEADER: chain})


def test_depth_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_DEPTH_ENV, "3")
    chain = "http://h1:1,http://h2:2"
    check_call("x", "http://h3:3", configurable={CALL_CHAIN_HEADER: "http://h1:1"})
    with pytest.raises(GuardError, match="too deep"):
        check_call("x", "http://h3:3", configurable={CALL_CHAIN_HEADER: chain + ",http://h4:4"})
    monkeypatch.setenv(MAX_DEPTH_ENV, "zero")
    with pytest.raises(ConfigError, match=MAX_DEPTH_ENV):
        check_call("x", "http://h3:3")


HOSTS = st.from_regex(r"\A[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6}){0,2}\Z")
quick = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(st.sampled_from(["http", "https"]), HOSTS, st.from_regex(r"\A(/[a-z0-9]{1,8}){0,2}\Z"))
def test_spellings_of_one_deployment_normalise_equal(scheme: str, host: str, path: str) -> None:
    default = {"http": 80, "https": 443}[scheme]
    canonical = normalize_url(f"{scheme}://{host}{path}")
    for variant in (
        f"{scheme.upper()}://{host.upper()}{path}/",
        f"{scheme}://{host}:{default}{path}//",
        f"  {scheme}://{host}.{path}  ",
    ):
        assert normalize_url(variant) == canonical


@quick
@given(HOSTS, st.integers(1, 65535), st.integers(1, 65535).filter(lambda p: p != 2024))
def test_ports_tell_deployments_apart(host: str, port: int, other: int) -> None:
    assert normalize_url(f"http://{host}:{port}") != normalize_url(f"https://{host}:{port}")
    assert normalize_url(f"http://localhost:{other}") != normalize_url("http://localhost:2024")


@quick
@given(
    st.sampled_from([SELF_URL_ENV, "LANGGRAPH_API_URL"]),
    st.text(alphabet="abcdefXYZ0123456789-.", min_size=10).filter(
        lambda s: any(c.isalpha() for c in s) and any(c.isdigit() for c in s)
    ),
)
def test_a_bad_self_url_names_its_variable_without_its_secret(
    monkeypatch: pytest.MonkeyPatch, source: str, secret: str
) -> None:
    for name in (SELF_URL_ENV, "LANGGRAPH_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(source, f"http://me:{secret}@localhost:2024")
    with pytest.raises(ConfigError) as info:
        check_call("x", "http://localhost:3000")
    assert str(info.value).startswith(f"{source}: ")
    assert secret not in str(info.value)
