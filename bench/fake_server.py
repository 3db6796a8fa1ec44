"""Time one run of the echo graph on the fake Agent Server, and on a real `langgraph dev`.

Usage:
    python bench/fake_server.py [--runs 50] [--real-runs 5] [--no-real]

Each timed run is one complete request as a client sees it: a stateless
`POST /runs/stream` read to the end through the SDK, and `RemoteGraph.invoke`
on a thread (which also makes the SDK's run check after the stream). The
target for the fake is a median of at most 20 ms. The real in-memory server
waits for its queue poll, about 1 s per run, which is why tests use the fake.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from langgraph.pregel.remote import RemoteGraph
from langgraph_sdk import get_sync_client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orchestrator.devserver import DevServer  # noqa: E402
from remote_graphs.testing import FakeAgentServer  # noqa: E402
from tests.sample_graphs.graphs import GRAPHS  # noqa: E402

HI = {"messages": [{"role": "user", "content": "hi"}]}
TARGET_MS = 20.0
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
WIDTHS = (13, 27, 4, 9, 7, 7, 7, 7)
HEADER = ("server", "client", "runs", "median ms", "p10 ms", "p90 ms", "min ms", "max ms")


def sdk_stream(url: str) -> Callable[[], None]:
    client = get_sync_client(url=url, api_key=None)

    def run() -> None:
        parts = list(client.runs.stream(None, "echo", input=HI, stream_mode="values"))
        assert parts[-1].event == "values", parts

    return run


def remote_invoke(url: str) -> Callable[[], None]:
    remote = RemoteGraph("echo", sync_client=get_sync_client(url=url, api_key=None))

    def run() -> None:
        config = {"configurable": {"thread_id": str(uuid.uuid4())}}
        out = remote.invoke(HI, config)
        assert out["messages"][-1]["content"] == "echo: hi", out

    return run


def measure(run: Callable[[], None], n: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(cells: tuple[str, ...]) -> str:
    pairs = enumerate(zip(cells, WIDTHS, strict=True))
    padded = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs]
    return "| " + " | ".join(padded) + " |"


def stats(server: str, client: str, times: list[float]) -> tuple[str, ...]:
    deciles = statistics.quantiles(times, n=10) if len(times) >= 2 else [times[0]] * 9
    figures = (statistics.median(times), deciles[0], deciles[-1], min(times), max(times))
    return (server, client, str(len(times)), *(f"{f:.1f}" for f in figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs per client, fake")
    parser.add_argument("--real-runs", type=int, default=5, help="timed runs per client, real")
    parser.add_argument("--no-real", action="store_true", help="skip the real server")
    args = parser.parse_args()
    for name in PROXY_VARS:  # loopback traffic must not go through a proxy
        os.environ.pop(name, None)

    clients = {
        "SDK runs.stream (stateless)": sdk_stream,
        "RemoteGraph.invoke (thread)": remote_invoke,
    }
    rows: list[tuple[str, ...]] = []
    with FakeAgentServer(GRAPHS) as fake:
        for label, make in clients.items():
            rows.append(stats("fake", label, measure(make(fake.url), args.runs)))
    if not args.no_real:
        config = ROOT / "tests" / "sample_graphs"
        with tempfile.TemporaryDirectory() as tmp, DevServer(config, cwd=tmp) as real:
            for label, make in clients.items():
                times = measure(make(real.url), args.real_runs, warmup=1)
                rows.append(stats("langgraph dev", label, times))

    print(row(HEADER))
    print("|" + "|".join("-" * (w + 2) for w in WIDTHS) + "|")
    for cells in rows:
        print(row(cells))
    fake_medians = [float(cells[3]) for cells in rows if cells[0] == "fake"]
    ok = max(fake_medians) <= TARGET_MS
    verdict = "met" if ok else "MISSED"
    print(f"\nfake server target, median <= {TARGET_MS:.0f} ms per run: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
