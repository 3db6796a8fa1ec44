"""Benchmark 7, real servers: a full pipeline orchestration against real ``langgraph dev`` children.

Like ``make run``: the child deployments discovered under ``graphs/`` are
started with ``orchestrator.children.running_children()``; the ``pipeline``
graph (through ``orchestrator.loader.load_graph``) gets a SQLite
checkpointer and runs with its default context, answering the writer's
approval with ``Command(resume={"approved": True})``. The wall time of each
orchestration is compared with the summed run times (``updated_at -
created_at``) of every run it caused on the children, read back from
``GET /threads/{t}/runs``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command
from langgraph_sdk import get_client

from bench.common import Paired, Row, Section
from orchestrator.children import discover_children, running_children
from orchestrator.loader import load_graph
from remote_graphs.clients import default_pool
from remote_graphs.persistence import async_sqlite_checkpointer
from remote_graphs.threads import thread_config

TASK = (
    "How much electricity do solar panels and wind turbines produce? "
    "What is the average of their capacity factors?"
)
"""The sample task ``make run`` asks by default."""

REPS = 3
GRAPH = "pipeline"


def pipeline(saver: BaseCheckpointSaver[Any]) -> tuple[Any, Any]:
    """Return the pipeline graph with ``saver`` attached, and its run context.

    The context is the graph's defaults with the offline ``scripted`` model, so a
    ``MODEL`` in the environment never sends the benchmark to a model provider.
    """
    graph: Any = load_graph(GRAPH).copy({"checkpointer": saver})
    schema = getattr(graph, "context_schema", None)
    if schema is None:
        return graph, None
    fields = (
        {f.name for f in dataclasses.fields(schema)} if dataclasses.is_dataclass(schema) else ()
    )
    return graph, schema(**({"model": "scripted"} if "model" in fields else {}))


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
    data, counts, seen = Paired(), [], set[str]()
    await _child_seconds(urls, seen)
    async with async_sqlite_checkpointer(db) as saver:
        graph, context = pipeline(saver)
        for _ in range(reps):
            config = thread_config()
            payload: Any = {"messages": [HumanMessage(TASK)]}
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
    if not discover_children():
        section.skipped = "no child deployments (graphs/<name>/langgraph.json) were found."
        return section
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
