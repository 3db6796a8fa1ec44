"""Fixtures of the differential test: the real server's traces, and the fake server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from orchestrator.devserver import DevServer
from remote_graphs.testing import FakeAgentServer
from tests.sample_graphs.graphs import GRAPHS

from .catalog import SCENARIOS
from .drivers import DRIVERS, Trace

RealTraces = dict[tuple[str, str], "Trace | BaseException"]


@pytest.fixture(scope="session")
def real_traces(real_agent_server: DevServer) -> RealTraces:
    """Run every scenario with every driver against the real server, all at once.

    The in-memory server takes about a second per run (it polls its queue every
    0.5 s), so running the scenarios' sixty-odd runs one after the other would
    take more than a minute; all at once they take about 5 s. Each scenario
    works on its own threads, so running them concurrently (the server has
    `--n-jobs-per-worker 10`) changes nothing in their output. This is why the
    test-only patch of the server's queue poll is not needed.
    """
    cases = [(s, d) for s in SCENARIOS for d in s.drivers if not s.exclusive]
    alone = [(s, d) for s in SCENARIOS for d in s.drivers if s.exclusive]

    def run(case: tuple[Any, str]) -> Trace | BaseException:
        sc, driver = case
        try:
            return DRIVERS[driver](real_agent_server.url, list(sc.steps))
        except Exception as exc:  # reported by the test of this case
            return exc

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        results = list(pool.map(run, cases))
    # Scenarios that change what every client sees (assistants) run afterwards, one at a time.
    results += [run(case) for case in alone]
    print(f"real server: {len(cases) + len(alone)} traces in {time.monotonic() - started:.1f} s")
    return {(sc.name, d): r for (sc, d), r in zip(cases + alone, results, strict=True)}


@pytest.fixture(scope="session")
def fake_server_url() -> Iterator[str]:
    """Serve the same sample graphs with the fake Agent Server."""
    with FakeAgentServer(GRAPHS) as server:
        yield server.url
