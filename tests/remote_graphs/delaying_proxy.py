"""A loopback TCP proxy that delivers the first matching request late.

It stands for a proxy or load balancer that holds a request past the
caller's timeout and then still delivers it (and waits for the answer), the
way a late duplicate reaches a remote deployment in production.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from urllib.parse import urlsplit


class DelayingProxy:
    """Forward every connection to ``target``; hold the first one that starts with ``prefix``."""

    def __init__(self, target: str, *, hold: float, prefix: bytes = b"POST") -> None:
        parts = urlsplit(target)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.hold = hold
        self.prefix = prefix
        self.held = 0
        """How many requests were held (at most one)."""
        self._server = socket.create_server(("127.0.0.1", 0))
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        """Return the proxy's URL."""
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> DelayingProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped.set()
        self._server.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with contextlib.closing(client), socket.create_connection(self.upstream) as upstream:
            first = client.recv(65536)
            if first.startswith(self.prefix) and self._take_hold():
                time.sleep(self.hold)  # the caller gives up meanwhile; we deliver anyway
            upstream.sendall(first)
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            for chunk in _chunks(upstream):
                with contextlib.suppress(OSError):
                    client.sendall(chunk)

    def _take_hold(self) -> bool:
        with self._lock:
            if self.held:
                return False
            self.held = 1
            return True


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        for chunk in _chunks(source):
            sink.sendall(chunk)


def _chunks(sock: socket.socket) -> Iterator[bytes]:
    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            return
        if not data:
            return
        yield data
