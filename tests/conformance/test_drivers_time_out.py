"""A server that stops answering fails the case instead of hanging the suite.

The server here is a listening socket that never accepts: the kernel
completes each connection, and no response ever comes. Every driver must
record a timeout error for its step, within the (shortened) client timeout.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from . import drivers
from .drivers import DRIVERS, step

STEPS = {
    "sdk-sync": step("get_thread", thread_id="00000000-0000-0000-0000-000000000000"),
    "sdk-async": step("get_thread", thread_id="00000000-0000-0000-0000-000000000000"),
    "rg-sync": step("rg_get_graph", graph="echo"),
    "rg-async": step("rg_get_graph", graph="echo"),
    "raw": step("GET", path="/ok"),
}


@pytest.fixture
def silent_url() -> Iterator[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("driver", sorted(DRIVERS))
def test_a_silent_server_times_out(
    driver: str, silent_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(STEPS) == set(DRIVERS)
    monkeypatch.setattr(drivers, "CLIENT_TIMEOUT", httpx.Timeout(0.2))
    (output,) = DRIVERS[driver](silent_url, [STEPS[driver]]).outputs
    assert output["error"] == "ReadTimeout"
