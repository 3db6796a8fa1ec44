"""SDK clients per remote: created lazily, pooled, one async client per event loop, closed once.

Bare ``RemoteGraph`` builds both clients eagerly per instance, ignores the API
key in the environment, never closes them, and its async client breaks when
used from a second event loop. Here each remote has one sync client and one
async client per running loop, with credentials read from the environment
when the client is created. Connection failures are retried once by the
transport; everything else is left to the node's ``RetryPolicy``, so one
policy governs backoff instead of two stacked ones.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections import OrderedDict
from urllib.parse import urlsplit

import httpx
import langgraph_sdk
from langgraph_sdk.client import LangGraphClient, SyncLangGraphClient

from remote_graphs.errors import ConfigError
from remote_graphs.guard import normalize_url
from remote_graphs.registry import RemoteSpec


def auth_headers(spec: RemoteSpec) -> dict[str, str]:
    """Return the request headers for ``spec``, secrets read from the environment.

    Raises ``ConfigError`` naming the variable when a declared secret is missing,
    or when credentials would travel over plain http to another machine.
    """
    headers = dict(spec.headers)
    for header, env in spec.header_envs.items():
        headers[header] = _require_env(spec, env, f"header {header!r}")
    if spec.api_key_env:
        headers["x-api-key"] = _require_env(spec, spec.api_key_env, "its API key")
        if spec.auth_scheme == "langsmith-api-key":
            headers["X-Auth-Scheme"] = "langsmith-api-key"
    if (spec.api_key_env or spec.header_envs) and not spec.allow_insecure_http:
        url = spec.resolved_url()
        if urlsplit(url).scheme == "http" and "://localhost:" not in normalize_url(url):
            raise ConfigError(
                f"remote {spec.name!r} would send credentials over plain http to {url}; "
                "use https, or set allow_insecure_http = true for a trusted network"
            )
    return headers


def _require_env(spec: RemoteSpec, env: str, what: str) -> str:
    value = os.environ.get(env, "").strip()
    if not value:
        raise ConfigError(
            f"remote {spec.name!r} needs {what} in environment variable {env}, which is not set"
        )
    return value


def _headers(spec: RemoteSpec) -> dict[str, str]:
    # Built like the SDK's own get_client, but with only this remote's key:
    # nothing is read from LANGSMITH_API_KEY unless api_key_env names it.
    return {"User-Agent": f"langgraph-sdk-py/{langgraph_sdk.__version__}", **auth_headers(spec)}


def _timeout(spec: RemoteSpec) -> httpx.Timeout:
    t = spec.timeout
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)


class Attempts:
    """Tasks this process already started a remote run for (bounded, oldest dropped).

    A task seen here again is a retry, so its remote thread is asked for an
    earlier run of the same task before a new one is started.
    """

    def __init__(self, size: int = 4096) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, key: str | None) -> None:
        """Remember ``key`` (None is ignored: stateless runs have no task)."""
        if key is None:
            return
        with self._lock:
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys


class RemoteClients:
    """The SDK clients of one remote, created on first use and reused."""

    def __init__(self, spec: RemoteSpec) -> None:
        self.spec = spec
        self.url = spec.resolved_url()
        """The URL the clients talk to, fixed when they are created."""
        self._lock = threading.Lock()
        self._sync: SyncLangGraphClient | None = None
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LangGraphClient] = (
            weakref.WeakKeyDictionary()
        )
        self.attempted = Attempts()
        """Parent tasks this process has started a run of this remote for."""

    def sync(self) -> SyncLangGraphClient:
        """Return the sync client, creating it on first use."""
        with self._lock:
            if self._sync is None:
                self._sync = SyncLangGraphClient(
                    httpx.Client(
                        base_url=self.url,
                        transport=httpx.HTTPTransport(retries=self.spec.retry.connect_retries),
                        timeout=_timeout(self.spec),
                        headers=_headers(self.spec),
                    )
                )
            return self._sync

    def async_(self) -> LangGraphClient:
        """Return the async client bound to the running event loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async.get(loop)
            if client is None:
                client = LangGraphClient(
                    httpx.AsyncClient(
                        base_url=self.url,
                        transport=httpx.AsyncHTTPTransport(retries=self.spec.retry.connect_retries),
                        timeout=_timeout(self.spec),
                        headers=_headers(self.spec),
                    )
                )
                self._async[loop] = client
            return client

    def close(self) -> None:
        """Close the sync client (async clients close with ``aclose``)."""
        with self._lock:
            client, self._sync = self._sync, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        """Close the async client of the running loop and the sync client."""
        with self._lock:
            client = self._async.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
        self.close()


class ClientPool:
    """One ``RemoteClients`` per remote name, shared by every node and tool of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, RemoteClients] = {}

    def get(self, spec: RemoteSpec) -> RemoteClients:
        """Return the clients for ``spec`` (a changed spec or URL gets fresh clients)."""
        with self._lock:
            clients = self._clients.get(spec.name)
            if clients is None or clients.spec != spec or clients.url != spec.resolved_url():
                if clients is not None:
                    clients.close()
                clients = self._clients[spec.name] = RemoteClients(spec)
            return clients

    def close(self) -> None:
        """Close every sync client; call on shutdown."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            c.close()

    async def aclose(self) -> None:
        """Close every client of the running loop and every sync client."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for c in clients:
            await c.aclose()


default_pool = ClientPool()
"""The process-wide pool used unless a node or tool is given its own."""
