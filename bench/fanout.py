"""Benchmark 3, fan-out: eight 200 ms remote runs in parallel vs one, sync and async.

One ``remote_node`` on the ``slow`` graph, fanned out with ``Send`` and
``thread="per_task"`` (each branch on its own remote thread). The baseline
is the same parent graph with a single branch, so both sides pay the same
hop; the figure is how much longer eight branches take than one.
"""

from __future__ import annotations

import asyncio
import operator
import uuid
from typing import Annotated, Any, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.types import Send

from bench.common import Paired, Row, Section, apaired, paired
from bench.hop import spec
from remote_graphs.clients import ClientPool
from remote_graphs.node import remote_node

TARGET = 1.15
SECONDS = 0.2
BRANCHES = 8
REPS = 7


class FanState(TypedDict, total=False):
    """Parent state: how many branches to start, and what each returned."""

    branches: int
    done: Annotated[list[bool], operator.add]


def fan_graph(url: str, pool: ClientPool) -> Any:
    """Return ``START -Send x n-> slow`` with one remote thread per branch."""
    slow = remote_node(
        spec(url, "slow"),
        pool=pool,
        thread="per_task",
        input=lambda _branch: {"seconds": SECONDS},
        output=lambda values: {"done": [bool(values.get("done"))]},
    )

    def fan_out(state: FanState) -> list[Send]:
        return [Send("slow", {}) for _ in range(state["branches"])]

    builder = StateGraph(FanState).add_node(slow)
    return builder.add_conditional_edges(START, fan_out, ["slow"]).compile()


def config(**extra: Any) -> dict[str, Any]:
    """Return a config on a fresh parent thread (so every branch gets a fresh remote thread)."""
    return {"configurable": {"thread_id": str(uuid.uuid4())}, **extra}


def check(out: dict[str, Any], n: int) -> None:
    """Assert every branch came back done."""
    assert out["done"] == [True] * n, out


def run(url: str, reps: int = REPS) -> Section:
    """Measure sync and async fan-out, and sync with enough worker threads."""
    pool = ClientPool()
    graph = fan_graph(url, pool)
    section = Section(
        f"3. Fan-out ({BRANCHES} x {SECONDS * 1000:.0f} ms remote runs in parallel vs one)",
        f"Parent `START -Send x {BRANCHES}-> remote_node(slow, thread='per_task')` vs the same "
        f"graph with one `Send`; each remote run sleeps {SECONDS * 1000:.0f} ms. {reps} "
        "interleaved pairs, 1 warm-up. The fake server runs graph nodes on 64 threads so the "
        "server is not the bottleneck.",
    )
    try:

        def fan(n: int, **extra: Any) -> Any:
            return lambda: check(graph.invoke({"branches": n}, config(**extra)), n)

        data = paired(fan(BRANCHES), fan(1), reps, warmup=1)
        section.rows.append(
            Row.from_paired(f"sync invoke, {BRANCHES} branches", "1 branch", data, target=TARGET)
        )
        data = paired(
            fan(BRANCHES, max_concurrency=BRANCHES), fan(1, max_concurrency=BRANCHES), reps, 1
        )
        section.rows.append(
            Row.from_paired(
                f"sync invoke, {BRANCHES} branches, max_concurrency={BRANCHES}",
                "1 branch",
                data,
                target=TARGET,
            )
        )
        section.rows.append(
            Row.from_paired(
                f"async ainvoke, {BRANCHES} branches",
                "1 branch",
                asyncio.run(_async_pair(graph, pool, reps)),
                target=TARGET,
            )
        )
        section.rows.append(
            Row.from_paired(
                f"reference: {BRANCHES} direct async SDK calls (gather)",
                "1 direct call",
                asyncio.run(_direct_pair(url, reps)),
                note="The reference row has no remote_graphs code in it: it is the floor this "
                "machine and the fake server set for eight overlapping runs (their CPU work "
                "shares two cores).",
            )
        )
    finally:
        pool.close()
    return section


async def _direct_pair(url: str, reps: int) -> Paired:
    pool = ClientPool()
    sdk = pool.get(spec(url, "slow")).async_()

    async def one() -> None:
        parts = [
            p
            async for p in sdk.runs.stream(
                str(uuid.uuid4()),
                "slow",
                input={"seconds": SECONDS},
                stream_mode=["updates", "values"],
                if_not_exists="create",
            )
        ]
        assert parts[-1].data == {"seconds": SECONDS, "done": True}, parts[-1]

    async def many() -> None:
        await asyncio.gather(*(one() for _ in range(BRANCHES)))

    try:
        return await apaired(many, one, reps, warmup=1)
    finally:
        await pool.aclose()


async def _async_pair(graph: Any, pool: ClientPool, reps: int) -> Paired:
    async def fan(n: int) -> None:
        check(await graph.ainvoke({"branches": n}, config()), n)

    try:
        return await apaired(lambda: fan(BRANCHES), lambda: fan(1), reps, warmup=1)
    finally:
        await pool.aclose()


if __name__ == "__main__":
    from bench.common import main_against_fake

    main_against_fake(run)
