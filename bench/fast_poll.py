"""Run the ``langgraph`` CLI with a fast queue pick-up, for benchmarks only.

    python -m bench.fast_poll dev --config ... (the arguments of ``langgraph``)

``langgraph dev``'s in-memory runtime finds new runs by polling: when its
last look found nothing, ``langgraph_runtime_inmem.ops.Runs.next(wait=True)``
sleeps 0.5 s before it looks again, and it only takes runs created before
that look began. A run therefore waits 0.5-1 s before it starts, which hides
every millisecond a client spends around it. Inside the server process this
wrapper:

- wakes the queue as soon as ``Runs.put`` has stored a new run, and otherwise
  polls every ``BENCH_QUEUE_POLL_SECONDS`` (default 0.005 s) instead of 0.5 s,
  for runs that become ready without a new ``put`` (a delayed run, the next
  run on a thread that just went idle); the runs are still found, locked and
  executed by the runtime's own code;
- gives the server's event loop a default executor of
  ``BENCH_SERVER_THREADS`` (default 64) threads, as ``bench/serve_fake.py``
  does for the fake: sync graph nodes run there, and the stock pool of
  ``cores + 4`` threads would run an 8-branch fan-out of sleeping nodes in
  two waves on a small machine, hiding whether the client overlaps them.

Tests, ``make run`` and ``make dev`` start the stock CLI and never load this
module.

The runtime reads its settings from the environment when it is first
imported, which the CLI does only after it has set that environment, so the
patch waits for ``langgraph_runtime_inmem.ops`` to be imported (an import
hook) instead of importing it here.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

TARGET = "langgraph_runtime_inmem.ops"
POLL_ENV = "BENCH_QUEUE_POLL_SECONDS"
DEFAULT_POLL = 0.005
THREADS_ENV = "BENCH_SERVER_THREADS"
DEFAULT_THREADS = 64
STOCK_POLL = 0.5
"""The sleep the patch replaces (``Runs.next`` in langgraph-runtime-inmem 0.36)."""
BANNER = "bench fast poll"
"""Written to the server log once the patch is in, so the benchmark can confirm it."""


def _setting(name: str, default: float, most: float) -> float:
    raw = os.environ.get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a number; use e.g. {default:g}") from None
    if not 0 < value <= most:
        raise SystemExit(f"{name}={raw!r} must be above 0 and at most {most:g}")
    return value


def poll_seconds() -> float:
    """Return the poll interval for the bench server, from the environment."""
    return _setting(POLL_ENV, DEFAULT_POLL, STOCK_POLL)


def server_threads() -> int:
    """Return the size of the server loop's default executor, from the environment."""
    return int(_setting(THREADS_ENV, DEFAULT_THREADS, 1024))


def patch(ops: ModuleType, seconds: float, threads: int) -> None:
    """Make the runtime's queue start new runs at once, and poll every ``seconds`` otherwise.

    The queue calls ``Runs.next`` from the server's event loop, so its first
    call is also where that loop gets its larger default executor.
    """
    stock_next, stock_put = ops.Runs.next, ops.Runs.put
    wake = asyncio.Event()
    home: list[asyncio.AbstractEventLoop] = []

    async def next_run(wait: bool, limit: int = 1) -> AsyncIterator[Any]:
        if not home:
            home.append(asyncio.get_running_loop())
            home[0].set_default_executor(ThreadPoolExecutor(threads, thread_name_prefix="bench"))
        if wait:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), seconds)
        wake.clear()
        async for item in stock_next(wait=False, limit=limit):
            yield item

    async def put(*args: Any, **kwargs: Any) -> Any:
        runs = await stock_put(*args, **kwargs)
        if home:
            home[0].call_soon_threadsafe(wake.set)
        return runs

    ops.Runs.next = staticmethod(next_run)
    ops.Runs.put = staticmethod(put)
    sys.stderr.write(
        f"{BANNER}: woken by each new run, else every {seconds:g} s (stock {STOCK_POLL:g} s); "
        f"{threads} threads for sync nodes\n"
    )


class _PatchOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``TARGET`` with its own loader, then patch it."""

    def __init__(self, seconds: float, threads: int) -> None:
        self.seconds = seconds
        self.threads = threads
        self.loader: importlib.abc.Loader | None = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        self.loader, spec.loader = spec.loader, self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        assert self.loader is not None
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        assert self.loader is not None
        self.loader.exec_module(module)
        patch(module, self.seconds, self.threads)
        sys.meta_path.remove(self)


def main(argv: Sequence[str] | None = None) -> None:
    """Install the patch for when the runtime loads, then run the ``langgraph`` CLI."""
    if TARGET in sys.modules:
        raise SystemExit(f"{TARGET} was imported before the patch could be installed")
    sys.meta_path.insert(0, _PatchOnImport(poll_seconds(), server_threads()))
    from langgraph_cli.cli import cli

    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="langgraph")


if __name__ == "__main__":
    main()
