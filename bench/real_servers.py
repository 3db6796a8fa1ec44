"""Benchmark 7, real servers: a full pipeline orchestration against real ``langgraph dev`` children.

Like ``make run``: the three example children are started with
``orchestrator.children.running_children()``; the orchestrator
(``graphs/orchestrator.py``'s ``builder``) is compiled with a SQLite
checkpointer and run in pipeline mode, answering the writer's approval with
``Command(resume={"approved": True})``. The wall time of each orchestration
is compared with the summed run times (``updated_at - created_at``) of every
run it caused on the children, read back from ``GET /threads/{t}/runs``.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command
from langgraph_sdk import get_client

from bench.common import ROOT, Paired, Row, Section

REPS = 3
CHILDREN = ("researcher", "analyst", "writer")


def missing_children() -> list[str]:
    """Return the children whose ``graphs/<name>/langgraph.json`` is not there yet."""
    return [c for c in CHILDREN if not (ROOT / "graphs" / c / "langgraph.json").is_file()]


def _seconds(run: dict[str, Any]) -> float:
    start = datetime.fromisoformat(str(run["created_at"]))
    end = datetime.fromisoformat(str(run["updated_at"]))
    return (end - start).total_seconds()


async def _child_seconds(urls: dict[str, str], seen: set[str]) -> tuple[float, int]:
    """Return the summed run time and count of child runs not in ``seen`` (then add them)."""
    total, count = 0.0, 0
    for url in urls.values():
        client = get_client(url=url, api_key=None)
        try:
            for thread in await client.threads.search(limit=1000):
                for run in await client.runs.list(thread["thread_id"], limit=100):
                    if run["run_id"] not in seen and run["status"] == "success":
                        seen.add(run["run_id"])
                        total += _seconds(run)
                        count += 1
        finally:
            await client.aclose()
    return total, count


async def _orchestrate(urls: dict[str, str], db: Path, reps: int) -> tuple[Paired, list[int]]:
    from graphs.orchestrator import builder
    from orchestrator.context import Context
    from orchestrator.run import DEFAULT_TASK
    from remote_graphs import default_pool, thread_config
    from remote_graphs.persistence import async_sqlite_checkpointer

    data, counts, seen = Paired(), [], set[str]()
    await _child_seconds(urls, seen)
    async with async_sqlite_checkpointer(db) as saver:
        graph = builder.compile(checkpointer=saver, name="orchestrator")
        context = Context(mode="pipeline")
        for _ in range(reps):
            config = thread_config()
            payload: Any = {"messages": [HumanMessage(DEFAULT_TASK)]}
            start = time.perf_counter()
            for _round in range(5):  # the writer asks once per draft; bounded
                await graph.ainvoke(payload, config, context=context)
                state = await graph.aget_state(config)
                if not state.interrupts:
                    break
                payload = Command(resume={"approved": True, "feedback": ""})
            else:
                raise RuntimeError("the orchestration kept asking for approval")
            data.candidate.append(time.perf_counter() - start)
            child, count = await _child_seconds(urls, seen)
            data.baseline.append(child)
            counts.append(count)
    await default_pool.aclose()
    return data, counts


def run(reps: int = REPS) -> Section:
    """Start the children, orchestrate ``reps`` times, and compare wall with child run time."""
    section = Section(
        "7. Real servers (pipeline orchestration on `langgraph dev` children)",
        (__doc__ or "").split("\n\n", 1)[1].replace("\n", " ")
        + f" {reps} orchestrations, after the children are up.",
    )
    if missing := missing_children():
        section.skipped = (
            f"the example children are not in the repository yet (no "
            f"{', '.join(f'graphs/{c}/langgraph.json' for c in missing)}); "
            "this benchmark runs once they land."
        )
        return section
    from orchestrator.children import running_children

    with tempfile.TemporaryDirectory() as tmp, running_children(Path(tmp) / "servers") as urls:
        data, counts = asyncio.run(_orchestrate(urls, Path(tmp) / "orchestrator.sqlite", reps))
    section.rows.append(
        Row.from_paired(
            "orchestration wall time",
            "sum of the child runs' own times",
            data,
            note=f"Child runs per orchestration: {', '.join(map(str, counts))}. The research "
            "branches run in parallel, so the wall time can be below the sum; each child run "
            "on `langgraph dev` includes its queue wait (about 1 s).",
        )
    )
    return section


if __name__ == "__main__":
    from bench.common import console, loopback_only

    loopback_only()
    print(console(run()))
