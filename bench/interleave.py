"""Time several variants round-robin in one run, sync ones here and async ones on a loop thread.

Every repetition runs each variant once, in an order rotated by one place per
repetition, so each variant sits in each position equally often and drift
(a warming cache, a busy neighbour) hits all of them alike. Samples with the
same index come from the same round, so any two variants form a ``Paired``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future
from typing import Any

from bench.common import Paired

Timer = Callable[[], float]
"""Run a variant once and return how long it took, in seconds."""


def sync_timer(fn: Callable[[], object]) -> Timer:
    """Return a timer for a sync callable, run in the calling thread."""

    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return run


class LoopThread:
    """One event loop on its own thread, for the async variants of a sync benchmark.

    The sync variants run in the main thread like a sync caller's code; the
    async ones are timed inside the loop, so the hand-over between threads is
    not part of their figure. Clients created on the loop stay bound to it.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, make: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``make()`` on the loop and return its result."""

        async def main() -> Any:
            return await make()

        future: Future[Any] = asyncio.run_coroutine_threadsafe(main(), self.loop)
        return future.result()

    def timer(self, make: Callable[[], Awaitable[object]]) -> Timer:
        """Return a timer for an async callable, timed inside the loop."""

        async def timed() -> float:
            start = time.perf_counter()
            await make()
            return time.perf_counter() - start

        return lambda: float(self.call(timed))

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


def interleave(variants: Mapping[str, Timer], reps: int, warmup: int = 2) -> dict[str, list[float]]:
    """Run every variant ``warmup`` times, then ``reps`` rotated rounds; return the samples."""
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            variants[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(reps):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(variants[name]())
    return samples


def pair(samples: Mapping[str, list[float]], candidate: str, baseline: str) -> Paired:
    """Return two variants' samples as candidate and baseline (same rounds, same order)."""
    return Paired(list(samples[candidate]), list(samples[baseline]))
