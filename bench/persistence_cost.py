"""Benchmark 6, persistence cost: the same parent run with a SQLite checkpointer vs without.

Both parents hold one ``per_parent`` ``remote_node(echo)`` and run on a fresh
parent thread each time; one is compiled with
``remote_graphs.persistence.sqlite_checkpointer`` on a temporary file, the
other with no checkpointer.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from bench.common import Row, Section, paired
from bench.hop import spec
from remote_graphs.clients import ClientPool
from remote_graphs.node import remote_node
from remote_graphs.persistence import sqlite_checkpointer

TARGET = 1.20
REPS = 60


def run(url: str, reps: int = REPS) -> Section:
    """Measure the run with and without the SQLite checkpointer, interleaved."""
    pool = ClientPool()
    node = remote_node(spec(url), pool=pool, thread="per_parent")
    builder = StateGraph(MessagesState).add_node(node).add_edge(START, node.name)
    section = Section(
        "6. Persistence cost (SQLite checkpointer vs none)",
        "Parent with one `per_parent` `remote_node(echo)`, sync `invoke` on a fresh parent "
        "thread, compiled with `sqlite_checkpointer(<temp file>)` vs without a checkpointer. "
        f"{reps} interleaved pairs.",
    )

    def invoke(graph: Any, **kwargs: Any) -> None:
        cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
        out = graph.invoke({"messages": [HumanMessage("hi")]}, cfg, **kwargs)
        assert out["messages"][-1].text == "echo: hi", out

    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            sqlite_checkpointer(Path(tmp) / "bench.sqlite") as saver,
        ):
            durable = builder.compile(checkpointer=saver)
            plain = builder.compile()
            data = paired(lambda: invoke(durable), lambda: invoke(plain), reps)
            section.rows.append(
                Row.from_paired("with SQLite checkpointer", "no checkpointer", data, target=TARGET)
            )
            data = paired(lambda: invoke(durable, durability="exit"), lambda: invoke(plain), reps)
            section.rows.append(
                Row.from_paired(
                    "with SQLite checkpointer, durability='exit'",
                    "no checkpointer",
                    data,
                    target=TARGET,
                    note="`durability='exit'` writes the checkpoint once, when the run ends "
                    "(the default 'async' writes one per step).",
                )
            )
        memory = builder.compile(checkpointer=InMemorySaver())
        data = paired(lambda: invoke(memory), lambda: invoke(plain), reps)
        section.rows.append(
            Row.from_paired(
                "reference: with InMemorySaver",
                "no checkpointer",
                data,
                note="The InMemorySaver row has no disk in it: it is langgraph's own "
                "checkpointing cost (serialising and saving each step), the floor under SQLite.",
            )
        )
    finally:
        pool.close()
    return section


if __name__ == "__main__":
    from bench.common import main_against_fake

    main_against_fake(run)
