"""``make bench``: run every benchmark and write ``docs/benchmarks.md`` and its chart.

    python -m bench.run [--quick] [--only NAME,...] [--no-real] [--out FILE]

The anchor sections (``anchors``) put the project beside bare upstream
``RemoteGraph`` on the fake Agent Server and on a real ``langgraph dev``
whose queue picks runs up at once (``bench/fast_poll.py``); the numbered ones
measure the project against direct SDK calls. ``--no-real`` skips everything
that starts ``langgraph dev``. ``--only`` and ``--quick`` print to the
terminal and write no file unless ``--out`` is given, so ``docs/`` always
holds a full run. Every server is on loopback and stopped on exit.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    anchors,
    chart,
    fanout,
    growth,
    hop,
    persistence_cost,
    real_servers,
    server_speed,
    streaming,
    tool_overhead,
)
from bench.common import ROOT, Section, console, fake_server, loopback_only
from bench.dev_servers import JOBS, sample_server
from bench.fast_poll import STOCK_POLL, poll_seconds, server_threads
from bench.report import document, readme_block, update_readme

NAMES = (
    "anchors",
    "servers",
    "hop",
    "tool",
    "fanout",
    "streaming",
    "growth",
    "persistence",
    "real",
)
"""What ``--only`` accepts, in the order the sections run."""
STOCK_SERVER_USERS = {"servers", "growth"}
DEFAULT_OUT = "docs/benchmarks.md"
FAKE_TITLE = "A. Anchors on the fake server: bare `RemoteGraph` vs `remote_node`"
REAL_TITLE = (
    "B. Anchors on a real `langgraph dev` (fast pick-up): bare `RemoteGraph` vs `remote_node`"
)


@contextmanager
def stock_server(enabled: bool) -> Iterator[str | None]:
    """Yield the URL of a stock ``langgraph dev`` serving the sample graphs, or None."""
    if not enabled:
        yield None
        return
    with sample_server(fast=False) as url:
        yield url


def timed_section(make: Callable[[], Section]) -> Section:
    """Run one benchmark, record how long it took and print its summary."""
    start = time.perf_counter()
    section = make()
    section.seconds = time.perf_counter() - start
    print(console(section), flush=True)
    return section


def selection(only: str | None) -> list[str]:
    """Return the section names to run, in order; exit with one line on an unknown name."""
    if only is None:
        return list(NAMES)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    if unknown := [name for name in wanted if name not in NAMES]:
        raise SystemExit(
            f"--only: unknown section {', '.join(unknown)}; choose from {', '.join(NAMES)}"
        )
    return [name for name in NAMES if name in wanted]


def plan(
    names: list[str], fake: str, stock: str | None, real: bool, q: int
) -> list[Callable[[], Section]]:
    """Return the benchmarks to run for ``names``; ``q`` divides the repetitions."""
    makers: dict[str, list[Callable[[], Section]]] = {
        "anchors": [
            lambda: anchors.run(
                fake,
                FAKE_TITLE,
                anchors.HOP_REPS // q,
                anchors.FAN_REPS // q,
                notes=[
                    "Server: the fake Agent Server (`bench/serve_fake.py`), in its own process."
                ],
            ),
            lambda: _real_anchors(real, q),
        ],
        "servers": [lambda: server_speed.run(fake, stock, max(2, 5 // q))],
        "hop": [lambda: hop.run(fake, hop.REPS * 2 // q)],
        "tool": [lambda: tool_overhead.run(fake, tool_overhead.REPS // q)],
        "fanout": [lambda: fanout.run(fake, max(3, fanout.REPS // q))],
        "streaming": [lambda: streaming.run(fake, streaming.REPS // q)],
        "growth": [lambda: growth.run(fake, stock, growth.RUNS // q)],
        "persistence": [lambda: persistence_cost.run(fake, persistence_cost.REPS // q)],
        "real": [lambda: _real_orchestration(real, q)],
    }
    return [make for name in names for make in makers[name]]


def _real_anchors(enabled: bool, q: int) -> Section:
    """Start the fast-poll server for this section only (its short poll costs a little CPU)."""
    if not enabled:
        return Section(REAL_TITLE, "", skipped="--no-real was given.")
    note = (
        f"Server: `langgraph dev --n-jobs-per-worker {JOBS}` on the sample graphs, started "
        "through `python -m bench.fast_poll`: its queue is woken by each new run and otherwise "
        f"polled every {poll_seconds():g} s (stock: {STOCK_POLL:g} s, so runs wait 0.5-1 s), "
        f"and {server_threads()} threads for sync nodes (stock: cores + 4)."
    )
    with sample_server(fast=True) as url:
        return anchors.run(
            url, REAL_TITLE, anchors.HOP_REPS // q, anchors.FAN_REPS // q, notes=[note]
        )


def _real_orchestration(enabled: bool, q: int) -> Section:
    if not enabled:
        return Section("7. Real servers", "", skipped="--no-real was given.")
    return real_servers.run(max(2, real_servers.REPS // q))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for iterating)")
    parser.add_argument("--only", help=f"comma-separated sections: {', '.join(NAMES)}")
    parser.add_argument("--no-real", action="store_true", help="skip langgraph dev servers")
    parser.add_argument("--out", help=f"markdown file to write ({DEFAULT_OUT} on full runs)")
    args = parser.parse_args()
    names = selection(args.only)
    out = args.out or (None if args.quick or args.only else DEFAULT_OUT)
    loopback_only()
    warnings.filterwarnings("ignore", message="`durability` has no effect")
    q = 4 if args.quick else 1
    real = not args.no_real
    started = datetime.now(UTC)
    sections: list[Section] = []
    with ExitStack() as servers:
        fake = servers.enter_context(fake_server())
        stock = servers.enter_context(stock_server(real and bool(STOCK_SERVER_USERS & set(names))))
        for make in plan(names, fake, stock, real, q):
            sections.append(timed_section(make))
    seconds = (datetime.now(UTC) - started).total_seconds()
    if out is not None:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        picture = path.with_suffix(".svg")
        picture.write_text(chart.svg(sections), encoding="utf-8")
        path.write_text(document(sections, started, picture.name, seconds), encoding="utf-8")
        print(f"wrote {path} and {picture} in {seconds:.0f} s")
        if args.out is None and update_readme(ROOT / "README.md", readme_block(sections, started)):
            print("updated the figures in README.md's Performance section")
    else:
        print(f"done in {seconds:.0f} s (no file written: --quick/--only without --out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
