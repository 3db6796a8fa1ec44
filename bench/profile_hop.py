"""Where the time of one hop goes: the project's node vs bare ``RemoteGraph``, under cProfile.

    python -m bench.profile_hop [--shape stateless|sqlite|all] [--reps 300] [--top 15]

For each shape of the anchor rows (``bench/anchor_graphs.py``) and each side,
runs the hop ``reps`` times on the fake server under ``cProfile`` and prints,
per hop: the HTTP requests it made, its own time (``tottime``) summed by the
package the code belongs to (socket reads and waits are the server's time),
and the project's functions with the most cumulative time. The profiler adds
its own overhead to every call, so compare the two sides with each other,
not with the timings of ``make bench``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from langgraph.checkpoint.sqlite import SqliteSaver

from bench import anchor_graphs as shapes
from bench.common import fake_server, loopback_only
from remote_graphs.clients import ClientPool
from remote_graphs.persistence import sqlite_checkpointer

WAITING = ("recv", "select", "poll", "connect", "send", "accept", "sock")
Key = tuple[str, int, str]


def bucket(key: Key) -> str:
    """Name the package (or kind of built-in) a profiled function belongs to."""
    file, _, name = key
    if file == "~":
        if "acquire" in name or "wait" in name:
            return "lock waits (the node or a checkpoint write on a pool thread)"
        if any(word in name for word in WAITING):
            return "socket I/O (waiting on the server)"
        if "sqlite3" in name:
            return "sqlite3 (C)"
        return "other built-ins"
    parts = Path(file).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    if "remote_graphs" in parts:
        return "remote_graphs"
    if "bench" in parts:
        return "bench (the harness)"
    return "python stdlib"


@contextmanager
def counted_requests() -> Iterator[Counter[str]]:
    """Count every sync httpx request by method and path shape while the block runs."""
    counts: Counter[str] = Counter()
    send = httpx.Client.send

    def counting(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        path = "/".join("*" if len(p) == 36 else p for p in request.url.path.split("/"))
        counts[f"{request.method} {path}"] += 1
        return send(self, request, **kwargs)

    httpx.Client.send = counting  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        httpx.Client.send = send  # type: ignore[method-assign]


def profile(
    calls: dict[str, Callable[[], object]], reps: int
) -> dict[str, tuple[pstats.Stats, Counter[str]]]:
    """Warm the calls up, then profile ``reps`` rounds of them, interleaved, one profiler each.

    Returns each call's stats and the requests it made.
    """
    for _ in range(20):
        for call in calls.values():
            call()
    profilers = {name: cProfile.Profile() for name in calls}
    counts: dict[str, Counter[str]] = {}
    names = list(calls)
    with counted_requests() as counter:
        for i in range(reps):
            for name in names[i % 2 :] + names[: i % 2]:
                before = Counter(counter)
                profilers[name].enable()
                calls[name]()
                profilers[name].disable()
                counts.setdefault(name, Counter()).update(counter - before)
    return {name: (pstats.Stats(profilers[name]), counts[name]) for name in names}


def report(
    label: str, stats: pstats.Stats, counts: Counter[str], reps: int, top: int
) -> dict[str, float]:
    """Print one side's per-hop requests, time by package and heaviest project functions.

    Returns each function's own time per hop (ms), keyed by ``file:line name``.
    """
    raw: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) * 1000 / reps
    print(f"\n--- {label}: {total:.2f} ms of profiled time per hop")
    for request, n in sorted(counts.items()):
        print(f"   {n / reps:4.1f} x {request}")
    by_bucket: Counter[str] = Counter()
    for key, value in raw.items():
        by_bucket[bucket(key)] += value[2] * 1000 / reps
    for name, ms in by_bucket.most_common():
        if ms >= 0.01:
            print(f"   {ms:7.3f} ms  {name}")
    own = [(v[3], k) for k, v in raw.items() if bucket(k) == "remote_graphs"]
    if own:
        print("   heaviest project functions (cumulative ms per hop):")
        for cum, (file, line, name) in sorted(own, reverse=True)[:top]:
            print(f"   {cum * 1000 / reps:7.3f}  {Path(file).name}:{line} {name}")
    return {_label(k): v[2] * 1000 / reps for k, v in raw.items()}


def _label(key: Key) -> str:
    file, line, name = key
    if file == "~":
        return name
    parts = Path(file).parts
    short = parts[parts.index("site-packages") + 1 :] if "site-packages" in parts else parts[-2:]
    return f"{'/'.join(short)}:{line} {name}"


def difference(upstream: dict[str, float], project: dict[str, float], top: int) -> None:
    """Print the functions whose own time per hop differs most (project minus upstream)."""
    keys = upstream.keys() | project.keys()
    delta = {k: project.get(k, 0.0) - upstream.get(k, 0.0) for k in keys}
    total = sum(delta.values())
    print(f"\n--- project minus upstream: {total:+.3f} ms of profiled time per hop; largest:")
    for key in sorted(delta, key=lambda k: abs(delta[k]), reverse=True)[:top]:
        print(f"   {delta[key]:+7.3f}  {key}")


def _hop(graph: Any, threaded: bool) -> Callable[[], None]:
    def call() -> None:
        config = shapes.new_parent_thread() if threaded else None
        shapes.check_hop(graph.invoke(shapes.hop_input(), config))

    return call


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shape", choices=["stateless", "sqlite", "all"], default="all")
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    loopback_only()
    pool = ClientPool()
    with (
        fake_server() as url,
        tempfile.TemporaryDirectory() as tmp,
        SqliteSaver.from_conn_string(str(Path(tmp) / "upstream.db")) as stock_saver,
        sqlite_checkpointer(Path(tmp) / "project.db") as saver,
    ):
        stock_saver.setup()
        sides: dict[str, list[tuple[str, Any, bool]]] = {
            "stateless": [
                ("upstream RemoteGraph node, stateless", shapes.upstream_hop(url), False),
                (
                    "project remote_node, stateless",
                    shapes.project_hop(url, pool, "stateless"),
                    False,
                ),
            ],
            "sqlite": [
                (
                    "upstream RemoteGraph node + SQLite",
                    shapes.upstream_hop(url, stock_saver),
                    True,
                ),
                (
                    "project remote_node per_parent + SQLite",
                    shapes.project_hop(url, pool, "per_parent", saver),
                    True,
                ),
            ],
        }
        for shape in ("stateless", "sqlite") if args.shape == "all" else (args.shape,):
            calls = {label: _hop(graph, threaded) for label, graph, threaded in sides[shape]}
            results = profile(calls, args.reps)
            own = [report(label, *results[label], args.reps, args.top) for label in calls]
            difference(own[0], own[1], args.top)
    pool.close()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
