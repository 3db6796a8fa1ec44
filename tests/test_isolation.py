"""Prove that tests cannot leave loopback, nor call a model provider, nor leak keys."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_socket import SocketConnectBlockedError

from tests.conftest import (
    DUMMY_KEY,
    NonLoopbackLookupError,
    ProviderCallBlockedError,
    Tripwire,
)


@pytest.fixture
def loopback_listener() -> Iterator[int]:
    """Serve one connection on 127.0.0.1, to show loopback still works."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port: int = server.getsockname()[1]

    def accept() -> None:
        conn, _ = server.accept()
        conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield port
    thread.join(timeout=5)
    server.close()


# pytest-socket also warns when it blocks; the error is what these tests check.
blocked_warning = pytest.mark.filterwarnings("ignore:A test tried to use socket")


@blocked_warning
def test_connect_to_private_address_is_blocked() -> None:
    # 10.255.255.1 is unroutable: without the block this would hang until a timeout.
    with socket.socket() as sock, pytest.raises(SocketConnectBlockedError):
        sock.settimeout(2)
        sock.connect(("10.255.255.1", 80))


@blocked_warning
def test_connect_to_public_address_is_blocked() -> None:
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("1.1.1.1", 443), timeout=2)


def test_public_hostname_is_never_resolved() -> None:
    with pytest.raises(NonLoopbackLookupError, match=r"example\.com"):
        socket.getaddrinfo("example.com", 443)


def test_httpx_to_public_host_fails_without_network() -> None:
    with pytest.raises(NonLoopbackLookupError):
        httpx.get("https://example.com/", timeout=2)


def test_loopback_still_works(loopback_listener: int) -> None:
    with socket.create_connection(("127.0.0.1", loopback_listener), timeout=2):
        pass


def test_localhost_name_resolves() -> None:
    addresses = {info[4][0] for info in socket.getaddrinfo("localhost", 80)}
    assert addresses <= {"127.0.0.1", "::1"}


@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1/chat/completions",
        "https://api.anthropic.com/v1/messages",
        "https://generativelanguage.googleapis.com/v1beta/models",
        "https://my-deployment.openai.azure.com/openai/deployments",
    ],
)
def test_tripwire_blocks_sync_provider_calls(url: str, provider_tripwire: Tripwire) -> None:
    with pytest.raises(ProviderCallBlockedError, match="model provider"):
        httpx.post(url, json={}, timeout=2)
    assert provider_tripwire.take() == [httpx.URL(url).host]


async def test_tripwire_blocks_async_provider_calls(provider_tripwire: Tripwire) -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ProviderCallBlockedError):
            await client.post("https://api.anthropic.com/v1/messages", json={})
    assert provider_tripwire.take() == ["api.anthropic.com"]


def test_tripwire_catches_lookups_outside_httpx(provider_tripwire: Tripwire) -> None:
    # Any client library (requests, aiohttp, a provider SDK) resolves the name first.
    with pytest.raises(ProviderCallBlockedError):
        socket.getaddrinfo("api.openai.com", 443)
    assert provider_tripwire.take() == ["api.openai.com"]


def test_tripwire_fails_a_test_that_swallowed_the_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent.parent))
    pytester.makeconftest("from tests.conftest import *  # noqa: F403\n")
    pytester.makepyfile(
        """
        import httpx

        def test_retries_quietly():
            try:
                httpx.get("https://api.openai.com/v1/models")
            except Exception:
                pass  # what a provider SDK's retry loop would do
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)  # the body passed, the teardown check failed it
    result.stdout.fnmatch_lines(["*tried to call model providers*api.openai.com*"])


def test_no_secrets_and_no_tracing() -> None:
    for name in ("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGGRAPH_API_KEY"):
        assert name not in os.environ
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY"):
        assert os.environ[name] == DUMMY_KEY
    assert os.environ["LANGSMITH_TRACING"] == "false"
    assert os.environ["LANGCHAIN_TRACING_V2"] == "false"
    assert not any(k.lower().endswith("_proxy") and k.lower() != "no_proxy" for k in os.environ)
