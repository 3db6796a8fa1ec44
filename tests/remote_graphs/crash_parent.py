"""A parent graph run in its own process by the crash test, so it can be killed mid-run.

python -m tests.remote_graphs.crash_parent <remote url> <sqlite file> <thread id> [resume]
"""

import sys
from typing import Any, TypedDict

from langgraph.graph import START, StateGraph

from remote_graphs import remote_node
from remote_graphs.persistence import sqlite_checkpointer
from remote_graphs.registry import parse_remote


class Steps(TypedDict, total=False):
    seconds: float
    first: bool
    second: bool


def build(url: str) -> Any:
    def step(name: str, key: str) -> Any:
        spec = parse_remote({"name": name, "url": url, "graph_id": "slow"})
        return remote_node(
            spec, input=lambda s: {"seconds": s["seconds"]}, output=lambda v: {key: v["done"]}
        )

    first, second = step("first", "first"), step("second", "second")
    builder = StateGraph(Steps).add_node(first).add_node(second)
    return builder.add_edge(START, "first").add_edge("first", "second")


def main(url: str, db: str, thread: str, mode: str = "start") -> None:
    with sqlite_checkpointer(db) as saver:
        graph = build(url).compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": thread}}
        out = graph.invoke({"seconds": 1.5} if mode == "start" else None, cfg)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
