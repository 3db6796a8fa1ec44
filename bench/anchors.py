"""Anchor rows: the project's ``remote_node`` beside bare upstream ``RemoteGraph``, same run.

Two groups, each interleaved round-robin (``bench.interleave``) so every
variant of a group sees the same server, machine and drift:

- hop: a direct SDK ``runs.stream``, a direct SDK ``threads.create`` +
  ``runs.stream``, and the parent ``START -> remote`` as upstream and project
  twins, stateless and with a SQLite checkpointer on a fresh parent thread
  (upstream: ``RemoteGraph`` on the parent's thread; project: ``per_parent``);
  sync ``invoke``.
- fan-out: ``START -Send x 8-> remote`` on a graph that sleeps 200 ms, both
  twins sync and async with default settings (stateless remote runs: the
  only fan-out a bare ``RemoteGraph`` survives, since its branches would
  share the parent's thread), and 8 direct async SDK calls gathered as the
  floor the server and machine set.

Every project figure is given against its direct-SDK baseline and against
its upstream twin; the targets are issue 13's.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver

from bench import anchor_graphs as shapes
from bench.common import Row, Section, Stat
from bench.hop import MODES, spec
from bench.interleave import LoopThread, Timer, interleave, pair, sync_timer
from orchestrator.loader import load_graph
from remote_graphs.clients import ClientPool
from remote_graphs.persistence import sqlite_checkpointer

HOP_REPS = 150
FAN_REPS = 12

SDK = "direct SDK runs.stream"
SDK_THREAD = "direct SDK threads.create + runs.stream"
UP = "upstream RemoteGraph node, stateless"
PROJECT = "project remote_node, stateless"
UP_DB = "upstream RemoteGraph node + SQLite (parent's thread)"
PROJECT_DB = "project remote_node per_parent + SQLite"
FLOOR = f"{shapes.BRANCHES} direct async SDK calls (gather)"
UP_ASYNC = f"upstream fan-out x{shapes.BRANCHES}, async"
PROJECT_ASYNC = f"project fan-out x{shapes.BRANCHES}, async"
UP_SYNC = f"upstream fan-out x{shapes.BRANCHES}, sync"
PROJECT_SYNC = f"project fan-out x{shapes.BRANCHES}, sync"
PROJECT_SYNC_AS_SHIPPED = (
    f"project fan-out x{shapes.BRANCHES}, sync, max_concurrency as the pipeline"
)


def run(
    url: str,
    title: str,
    hop_reps: int = HOP_REPS,
    fan_reps: int = FAN_REPS,
    notes: Sequence[str] = (),
) -> Section:
    """Measure both groups against the server at ``url``; ``title`` names the section."""
    section = Section(
        title,
        f"Hop: parent `START -> remote` on the echo graph, sync `invoke`, {hop_reps} rounds of "
        "six variants interleaved: two direct SDK calls (stateless `runs.stream`; "
        "`threads.create` + `runs.stream`), bare `RemoteGraph(url=...)` as the node, stateless "
        "and with a SQLite checkpointer on a fresh parent thread (so the remote runs on the "
        "parent's thread id), and `remote_node` in the same shapes (stateless; `per_parent` "
        "with SQLite). Each side gets SQLite the way its users would: langgraph's "
        "`SqliteSaver` for upstream, `remote_graphs.persistence.sqlite_checkpointer` for the "
        "project, each on its own file. "
        f"Fan-out: `START -Send x {shapes.BRANCHES}-> remote` on a graph that "
        f"sleeps {shapes.SECONDS * 1000:.0f} ms, {fan_reps} rounds of six variants: both "
        f"twins sync and async with default settings, the project's sync parent compiled "
        "with the `max_concurrency` the template's pipeline sets (langgraph's default sync "
        f"pool has only cores + 4 threads), and {shapes.BRANCHES} direct async SDK "
        "calls gathered (the floor this server and machine set). The fan-out runs are "
        "stateless on both sides: a bare `RemoteGraph` gives every branch the parent's "
        f"thread, which the server runs one at a time. Direct calls ask for {', '.join(MODES)}.",
        notes=list(notes),
    )
    pool = ClientPool()
    loop = LoopThread()
    try:
        section.rows += hop_rows(url, pool, hop_reps)
        section.rows += fan_rows(url, pool, loop, fan_reps)
    finally:
        loop.call(pool.aclose)
        loop.close()
        pool.close()
    return section


def hop_rows(url: str, pool: ClientPool, reps: int) -> list[Row]:
    """Time the six hop variants interleaved; return their rows."""
    sdk = pool.get(spec(url)).sync()
    text_input = {"messages": [{"type": "human", "content": shapes.HI}]}

    def direct() -> None:
        parts = list(sdk.runs.stream(None, "echo", input=text_input, stream_mode=MODES))
        assert parts[-1].data["messages"][-1]["content"] == shapes.ECHO, parts[-1]

    def direct_thread() -> None:
        thread = sdk.threads.create()
        parts = list(
            sdk.runs.stream(thread["thread_id"], "echo", input=text_input, stream_mode=MODES)
        )
        assert parts[-1].data["messages"][-1]["content"] == shapes.ECHO, parts[-1]

    def invoke(graph: Any, threaded: bool) -> Callable[[], None]:
        def call() -> None:
            config = shapes.new_parent_thread() if threaded else None
            shapes.check_hop(graph.invoke(shapes.hop_input(), config))

        return call

    with (
        tempfile.TemporaryDirectory() as tmp,
        SqliteSaver.from_conn_string(str(Path(tmp) / "upstream.db")) as stock_saver,
        sqlite_checkpointer(Path(tmp) / "project.db") as saver,
    ):
        stock_saver.setup()
        variants: dict[str, Timer] = {
            SDK: sync_timer(direct),
            SDK_THREAD: sync_timer(direct_thread),
            UP: sync_timer(invoke(shapes.upstream_hop(url), False)),
            PROJECT: sync_timer(invoke(shapes.project_hop(url, pool, "stateless"), False)),
            UP_DB: sync_timer(invoke(shapes.upstream_hop(url, stock_saver), True)),
            PROJECT_DB: sync_timer(
                invoke(shapes.project_hop(url, pool, "per_parent", saver), True)
            ),
        }
        samples = interleave(variants, reps, warmup=3)
    return [
        _value(SDK, samples[SDK]),
        _value(SDK_THREAD, samples[SDK_THREAD]),
        Row.from_paired(UP, SDK, pair(samples, UP, SDK)),
        Row.from_paired(PROJECT, SDK, pair(samples, PROJECT, SDK), kind="diff", target=1.0),
        Row.from_paired(PROJECT, UP, pair(samples, PROJECT, UP), target=1.0),
        Row.from_paired(UP_DB, SDK_THREAD, pair(samples, UP_DB, SDK_THREAD)),
        Row.from_paired(PROJECT_DB, SDK_THREAD, pair(samples, PROJECT_DB, SDK_THREAD), target=1.10),
        Row.from_paired(PROJECT_DB, UP_DB, pair(samples, PROJECT_DB, UP_DB), target=1.0),
    ]


def fan_rows(url: str, pool: ClientPool, loop: LoopThread, reps: int) -> list[Row]:
    """Time the six fan-out variants interleaved; return their rows."""
    remote = spec(url, "slow")
    upstream = shapes.upstream_fan(url)
    project = shapes.project_fan(url, pool)
    # The template's pipeline is compiled with a max_concurrency of its own; the
    # same parent compiled that way shows what a sync caller of the pipeline gets.
    shipped = project.with_config(max_concurrency=load_graph("pipeline").config["max_concurrency"])

    async def one_direct() -> None:
        sdk = pool.get(remote).async_()
        stream = sdk.runs.stream(None, "slow", input={"seconds": shapes.SECONDS}, stream_mode=MODES)
        parts = [part async for part in stream]
        assert parts[-1].data == {"seconds": shapes.SECONDS, "done": True}, parts[-1]

    async def floor() -> None:
        await asyncio.gather(*(one_direct() for _ in range(shapes.BRANCHES)))

    def ainvoke(graph: Any) -> Callable[[], Any]:
        async def call() -> None:
            shapes.check_fan(await graph.ainvoke({}))

        return call

    variants: dict[str, Timer] = {
        FLOOR: loop.timer(floor),
        UP_ASYNC: loop.timer(ainvoke(upstream)),
        PROJECT_ASYNC: loop.timer(ainvoke(project)),
        UP_SYNC: sync_timer(lambda: shapes.check_fan(upstream.invoke({}))),
        PROJECT_SYNC: sync_timer(lambda: shapes.check_fan(project.invoke({}))),
        PROJECT_SYNC_AS_SHIPPED: sync_timer(lambda: shapes.check_fan(shipped.invoke({}))),
    }
    samples = interleave(variants, reps, warmup=1)
    return [
        _value(FLOOR, samples[FLOOR]),
        Row.from_paired(UP_ASYNC, FLOOR, pair(samples, UP_ASYNC, FLOOR)),
        Row.from_paired(PROJECT_ASYNC, FLOOR, pair(samples, PROJECT_ASYNC, FLOOR), target=1.05),
        Row.from_paired(PROJECT_ASYNC, UP_ASYNC, pair(samples, PROJECT_ASYNC, UP_ASYNC)),
        Row.from_paired(UP_SYNC, UP_ASYNC, pair(samples, UP_SYNC, UP_ASYNC)),
        Row.from_paired(
            PROJECT_SYNC, PROJECT_ASYNC, pair(samples, PROJECT_SYNC, PROJECT_ASYNC), target=1.10
        ),
        Row.from_paired(PROJECT_SYNC, UP_SYNC, pair(samples, PROJECT_SYNC, UP_SYNC)),
        Row.from_paired(
            PROJECT_SYNC_AS_SHIPPED,
            PROJECT_ASYNC,
            pair(samples, PROJECT_SYNC_AS_SHIPPED, PROJECT_ASYNC),
            target=1.10,
        ),
    ]


def _value(figure: str, seconds: list[float]) -> Row:
    stat = Stat.of([s * 1000 for s in seconds])
    return Row(figure, "-", "value", stat.median, stat, candidate=stat)


if __name__ == "__main__":
    from bench.common import console, fake_server, loopback_only

    loopback_only()
    with fake_server() as fake_url:
        print(console(run(fake_url, "Anchors on the fake server", 20, 3)))
