"""Benchmark 5, growth: memory and sockets over 1,000 runs, and 100 concurrent runs.

Memory is the process's resident set (``VmRSS`` in ``/proc/self/status``)
after a warm-up and ``gc.collect()``, compared with the same reading after
the long series. Sockets are the process's open TCP sockets (its socket
descriptors matched against ``/proc/self/net/tcp*``); connections opened are
counted by wrapping ``socket.socket.connect`` for the server's port.

The fake server is werkzeug, which closes each connection after one
response, so against it every request opens a connection whatever the
client does. Connection reuse is therefore measured against a real
``langgraph dev`` (uvicorn keeps connections alive), when one is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langchain_core.messages import HumanMessage

from bench.common import Row, Section, Stat
from bench.hop import parent, spec
from remote_graphs.clients import ClientPool

RUNS = 1000
WARMUP = 50
CONCURRENT = 100
RSS_TARGET_MB = 10.0
REUSE_RUNS = 8


def rss_mb() -> float:
    """Return the resident set size of this process in MB (from /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def tcp_sockets() -> int:
    """Return how many TCP sockets this process holds open (any state)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    tcp = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                tcp.add(line.split()[9])
    return len(inodes & tcp)


class Connects:
    """Count TCP connections this process opens to one port (wraps ``socket.connect``)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.count = 0

    @contextlib.contextmanager
    def counting(self) -> Iterator[Connects]:
        """Count while inside the block."""
        original = socket.socket.connect

        def connect(sock: socket.socket, address: Any) -> Any:
            if isinstance(address, tuple) and address[1] == self.port:
                self.count += 1
            return original(sock, address)

        socket.socket.connect = connect  # type: ignore[method-assign]
        try:
            yield self
        finally:
            socket.socket.connect = original  # type: ignore[method-assign]


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None, url
    return port


def _one(graph: Any) -> None:
    cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
    out = graph.invoke({"messages": [HumanMessage("hi")]}, cfg)
    assert out["messages"][-1].text == "echo: hi", out


def run(url: str, real_url: str | None = None, runs: int = RUNS) -> Section:
    """Run the long series, the concurrent burst and (with ``real_url``) the reuse check."""
    section = Section(
        "5. Growth (memory, sockets, concurrency)",
        f"{runs} sequential sync runs of a parent with one `per_parent` `remote_node(echo)`, "
        f"each on a fresh parent thread, after {WARMUP} warm-up runs; then {CONCURRENT} "
        "concurrent `ainvoke`s (`asyncio.gather`) against the same burst run one after the "
        "other. " + (__doc__ or "").split("\n\n", 2)[1].replace("\n", " "),
    )
    pool = ClientPool()
    graph = parent(spec(url), pool, "per_parent")
    try:
        _series(section, graph, url, runs)
        _burst(section, graph, pool)
        if real_url:
            _reuse(section, real_url)
        else:
            section.notes.append("Connection reuse was not measured (no real server).")
    finally:
        pool.close()
    return section


def _series(section: Section, graph: Any, url: str, runs: int) -> None:
    for _ in range(WARMUP):
        _one(graph)
    gc.collect()
    rss0, sockets0 = rss_mb(), tcp_sockets()
    trace = []
    with Connects(_port(url)).counting() as connects:
        start = time.perf_counter()
        for i in range(runs):
            _one(graph)
            if (i + 1) % (runs // 5) == 0:
                gc.collect()
                trace.append(f"{rss_mb() - rss0:+.1f}")
        elapsed = time.perf_counter() - start
    gc.collect()
    growth = rss_mb() - rss0
    section.rows.append(
        Row(
            f"RSS after {runs} runs",
            f"RSS after warm-up ({rss0:.0f} MB)",
            "diff",
            growth,
            Stat(growth, growth, growth, 1),
            RSS_TARGET_MB,
            unit="MB",
            note=f"RSS growth every {runs // 5} runs (MB): {', '.join(trace)}; "
            f"{runs / elapsed:.0f} runs/s sequentially.",
        )
    )
    sockets = tcp_sockets()
    section.rows.append(
        Row(
            "open TCP sockets after the series",
            f"before the series ({sockets0})",
            "diff",
            sockets - sockets0,
            Stat(sockets - sockets0, sockets - sockets0, sockets - sockets0, 1),
            2,
            unit="",
            note=f"Against the fake: {connects.count / runs:.2f} connections opened per run "
            "(werkzeug closes every connection after one response, so this is 1 per request "
            "whatever the client does; see the reuse row).",
        )
    )


def _burst(section: Section, graph: Any, pool: ClientPool) -> None:
    async def one() -> None:
        cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
        out = await graph.ainvoke({"messages": [HumanMessage("hi")]}, cfg)
        assert out["messages"][-1].text == "echo: hi", out

    async def main() -> tuple[float, float, int]:
        for _ in range(5):
            await one()
        start = time.perf_counter()
        for _ in range(CONCURRENT):
            await one()
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(CONCURRENT)), return_exceptions=True)
        concurrent = time.perf_counter() - start
        await pool.aclose()
        return sequential, concurrent, sum(isinstance(r, BaseException) for r in results)

    sequential, concurrent, errors = asyncio.run(main())
    speedup = sequential / concurrent
    section.rows.append(
        Row(
            f"{CONCURRENT} concurrent runs: errors",
            "0",
            "value",
            errors,
            Stat(errors, errors, errors, 1),
            0,
            unit="",
        )
    )
    section.rows.append(
        Row(
            f"{CONCURRENT} concurrent runs: throughput",
            f"the same {CONCURRENT} run one by one ({CONCURRENT / sequential:.0f} runs/s)",
            "value",
            CONCURRENT / concurrent,
            Stat(CONCURRENT / concurrent, CONCURRENT / concurrent, CONCURRENT / concurrent, 1),
            unit="runs/s",
            note=f"Concurrent throughput is {speedup:.2f}x the sequential one (one measurement "
            "each; the fake and this process share two cores).",
        )
    )


def _reuse(section: Section, real_url: str) -> None:
    pool = ClientPool()
    graph = parent(spec(real_url), pool, "per_parent")
    try:
        _one(graph)
        with Connects(_port(real_url)).counting() as connects:
            for _ in range(REUSE_RUNS):
                _one(graph)
        per_run = connects.count / REUSE_RUNS
        section.rows.append(
            Row(
                "connections opened per run (real langgraph dev)",
                "0 (all reused)",
                "value",
                per_run,
                Stat(per_run, per_run, per_run, 1),
                0.2,
                unit="",
                note=f"Reuse: {connects.count} new connections over {REUSE_RUNS} sequential "
                "runs on a real `langgraph dev` after one warm-up run.",
            )
        )
    finally:
        pool.close()


if __name__ == "__main__":
    import sys

    from bench.common import console, fake_server, loopback_only

    loopback_only()
    with fake_server() as url:
        print(console(run(url, sys.argv[1] if len(sys.argv) > 1 else None)))
