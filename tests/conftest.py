"""Shared test setup: network isolation, a model-provider tripwire, and a real Agent Server.

Isolation has three layers, so a test can neither reach the internet nor bill a
model provider by accident:

1. pytest-socket (configured in pyproject with `--allow-hosts`) refuses any
   `connect()` to an address that is not loopback.
2. Name lookups are refused for every name that is not loopback, so no DNS
   query leaves the machine, and the error names the host.
3. A tripwire refuses HTTP requests to known model providers with an error
   that says so, and fails the test even when a provider SDK catches that
   error and retries or hides it.

The environment is scrubbed once, at session start: LangSmith tracing is off,
API keys from the developer's shell are removed, and proxy variables are
dropped so loopback traffic is never sent to a proxy.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from orchestrator.children import discover_children, running_children
from orchestrator.devserver import DevServer
from orchestrator.environment import ENV_FILE_ENV, STATE_DIR_ENV
from orchestrator.loader import load_graph
from remote_graphs.clients import ClientPool
from remote_graphs.testing import FakeAgentServer
from tests.remote_graphs.served.children import GRAPHS as SERVED_CHILDREN

pytest_plugins = ["pytester"]

SAMPLE_GRAPHS = Path(__file__).parent / "sample_graphs" / "langgraph.json"

# Hosts of model providers that tests must never call. Suffixes match subdomains.
PROVIDER_HOSTS = (
    "api.openai.com",
    "openai.azure.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    "api.mistral.ai",
    "api.cohere.com",
    "api.cohere.ai",
    "api.groq.com",
    "api.fireworks.ai",
    "api.together.xyz",
    "api.deepseek.com",
    "api.x.ai",
    "openrouter.ai",
    "amazonaws.com",
    "api.smith.langchain.com",
    "smith.langchain.com",
)

# Secrets that must not leak from a developer's shell into tests.
SECRET_VARS = (
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
    "LANGGRAPH_API_KEY",
    "LANGGRAPH_CLOUD_LICENSE_KEY",
    "LANGSMITH_CONTROL_PLANE_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_BASE_URL",
    "ANTHROPIC_BASE_URL",
)
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

# Provider SDKs get a key so that building a client works, but it is not a real
# key, and the tripwire stops any request before it is sent.
DUMMY_KEY = "not-a-real-key-tests-must-not-call-providers"
DUMMY_KEY_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY")

QUIET_ENV = {
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "NO_PROXY": "127.0.0.1,localhost,::1",
    "no_proxy": "127.0.0.1,localhost,::1",
}

# The real server runs in its own process, outside pytest-socket. Point the
# provider SDKs at the discard port on loopback there, so a stray call fails fast.
SERVER_TRIPWIRE_ENV = {
    "OPENAI_BASE_URL": "http://127.0.0.1:9/tests-must-not-call-providers",
    "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/tests-must-not-call-providers",
}

_STATE_DIR = tempfile.mkdtemp(prefix="orchestrator-state-")

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class ProviderCallBlockedError(RuntimeError):
    """Raised when a test tries to reach a model provider."""


class NonLoopbackLookupError(RuntimeError):
    """Raised when a test tries to resolve a name that is not loopback."""


@dataclass
class Tripwire:
    """Record of blocked provider calls; any left at teardown fail the test."""

    calls: list[str] = field(default_factory=list)

    def trip(self, host: str, what: str) -> ProviderCallBlockedError:
        """Record a call to `host` and return the error to raise."""
        self.calls.append(host)
        return ProviderCallBlockedError(
            f"A test tried to call the model provider {host!r} ({what}). Tests must not call "
            "real models: use a fake chat model such as GenericFakeChatModel."
        )

    def take(self) -> list[str]:
        """Return the recorded calls and forget them."""
        calls, self.calls = self.calls, []
        return calls


TRIPWIRE = Tripwire()


def is_provider_host(host: str) -> bool:
    """Tell whether `host` belongs to a known model provider."""
    host = host.lower().rstrip(".")
    return any(host == p or host.endswith("." + p) for p in PROVIDER_HOSTS)


def is_loopback_name(host: str) -> bool:
    """Tell whether resolving `host` stays on this machine (or needs no lookup)."""
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True  # a literal address needs no DNS; pytest-socket guards the connect


def _scrub_environment() -> None:
    # Commands read local state and .env from the checkout; tests get their own.
    os.environ[STATE_DIR_ENV] = _STATE_DIR
    os.environ[ENV_FILE_ENV] = os.devnull
    for name in (*SECRET_VARS, *PROXY_VARS):
        os.environ.pop(name, None)
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_API_TOKEN")) and name not in DUMMY_KEY_VARS:
            del os.environ[name]
    os.environ.update(QUIET_ENV)
    os.environ.update(dict.fromkeys(DUMMY_KEY_VARS, DUMMY_KEY))


_real_getaddrinfo = socket.getaddrinfo
_real_send = httpx.HTTPTransport.handle_request
_real_async_send = httpx.AsyncHTTPTransport.handle_async_request


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name == "" or is_loopback_name(str(name)):
        return _real_getaddrinfo(host, *args, **kwargs)
    if is_provider_host(str(name)):
        raise TRIPWIRE.trip(str(name), "name lookup")
    raise NonLoopbackLookupError(f"A test tried to resolve {name!r}; tests stay on loopback.")


def _guarded_send(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    if is_provider_host(request.url.host):
        raise TRIPWIRE.trip(request.url.host, f"{request.method} {request.url}")
    return _real_send(self, request)


async def _guarded_async_send(
    self: httpx.AsyncHTTPTransport, request: httpx.Request
) -> httpx.Response:
    if is_provider_host(request.url.host):
        raise TRIPWIRE.trip(request.url.host, f"{request.method} {request.url}")
    return await _real_async_send(self, request)


REAL_SERVER_FIXTURES = frozenset({"real_agent_server", "real_children", "real_traces"})


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--no-real-servers``, the fast tier's guard (``make test-fast``)."""
    parser.addoption(
        "--no-real-servers",
        action="store_true",
        help="skip any test that starts a real `langgraph dev` server",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use a real-server fixture, so `-m "not real_server"` leaves them out."""
    for item in items:
        if REAL_SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_server)


def _skip_real_server(self: DevServer) -> None:
    pytest.skip("starts a real `langgraph dev` server; `make test` runs it")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Isolate the whole session before any test module is imported."""
    if config.getoption("--no-real-servers", default=False):
        DevServer.launch = _skip_real_server  # type: ignore[method-assign]
    _scrub_environment()
    socket.getaddrinfo = _guarded_getaddrinfo
    httpx.HTTPTransport.handle_request = _guarded_send  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = _guarded_async_send  # type: ignore[method-assign]
    # A run stopped with SIGTERM (CI's timeout, `kill`) still tears its fixtures down,
    # so the servers they started are stopped, as after Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    # Started in the background by a shell without job control (`make test &` in a
    # script), the suite inherits Ctrl-C and Ctrl-\\ ignored, and so would every command
    # it starts; the tests that press them need them delivered, as at a terminal.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Undo the patches, for tools that run pytest in-process."""
    shutil.rmtree(_STATE_DIR, ignore_errors=True)
    socket.getaddrinfo = _real_getaddrinfo
    httpx.HTTPTransport.handle_request = _real_send  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = _real_async_send  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def provider_tripwire() -> Iterator[Tripwire]:
    """Fail the test if it tried to reach a model provider, even if the error was swallowed."""
    TRIPWIRE.take()
    yield TRIPWIRE
    if calls := TRIPWIRE.take():
        pytest.fail(f"the test tried to call model providers: {sorted(set(calls))}")


@pytest.fixture(scope="session")
def real_agent_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """Serve tests/sample_graphs with a real `langgraph dev` for the whole session.

    It runs in a fresh temporary folder (its state is kept in
    `.langgraph_api/` there), on a free loopback port, with ten concurrent jobs
    so that tests can overlap runs. It is stopped at the end of the session,
    or at once if it fails to start.
    """
    workdir = tmp_path_factory.mktemp("langgraph-dev")
    with DevServer(
        SAMPLE_GRAPHS, cwd=workdir, n_jobs=10, env=SERVER_TRIPWIRE_ENV, startup_timeout=90
    ) as server:
        yield server


@pytest.fixture(scope="module")
def fake_children() -> Iterator[dict[str, FakeAgentServer]]:
    """Serve each child under graphs/ on its own fake deployment, its url_env pointing there."""
    children = discover_children()
    servers = {
        child.name: FakeAgentServer({child.name: load_graph(child.name, child.config)})
        for child in children
    }
    with pytest.MonkeyPatch.context() as env:
        try:
            for child in children:
                servers[child.name].start()
                env.setenv(child.url_env, servers[child.name].url)
            yield servers
        finally:
            for server in servers.values():
                server.stop()


@pytest.fixture(scope="session")
def real_children(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Serve each child under graphs/ with real `langgraph dev`, once for the session."""
    state_dir = Path(tmp_path_factory.mktemp("children"))
    with running_children(state_dir=state_dir, env=SERVER_TRIPWIRE_ENV) as urls:
        yield urls


@pytest.fixture
def pool() -> Iterator[ClientPool]:
    """A client pool of the test's own, closed at teardown."""
    pool = ClientPool()
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def children() -> Iterator[FakeAgentServer]:
    """The parity suite's child graphs (counting, reviewing, handing off) on a fake deployment."""
    with FakeAgentServer(SERVED_CHILDREN) as server:
        yield server
