"""Benchmark 4, streaming relay: time to the first token through the parent vs directly.

The ``chatty`` graph streams its answer token by token. The candidate is the
parent's ``stream(..., stream_mode="messages", subgraphs=True)`` with one
stateless ``remote_node``; the baseline is the SDK's
``runs.stream(stream_mode="messages-tuple")`` on the same server. Both read
their stream to the end; the figure is the time until the first non-empty
token arrived.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from langchain_core.messages import AIMessageChunk, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from bench.common import Paired, Row, Section
from bench.hop import spec
from remote_graphs.clients import ClientPool
from remote_graphs.node import remote_node

TARGET_MS = 5.0
REPS = 40


def first_token(parts: Iterable[Any], is_token: Any) -> float:
    """Consume ``parts`` to the end; return seconds until the first part ``is_token`` accepts."""
    start = time.perf_counter()
    first = None
    for part in parts:
        if first is None and is_token(part):
            first = time.perf_counter() - start
    assert first is not None, "no token was streamed"
    return first


def _parent_token(part: Any) -> bool:
    _ns, (chunk, _meta) = part
    return isinstance(chunk, AIMessageChunk) and bool(chunk.content)


def _sdk_token(part: Any) -> bool:
    if part.event != "messages":
        return False
    chunk = part.data[0]
    return chunk.get("type") in ("AIMessageChunk", "ai") and bool(chunk.get("content"))


def run(url: str, reps: int = REPS) -> Section:
    """Measure time to first token through the parent and directly, interleaved."""
    pool = ClientPool()
    remote = spec(url, "chatty")
    node = remote_node(remote, pool=pool, thread="stateless")
    graph = StateGraph(MessagesState).add_node(node).add_edge(START, node.name).compile()
    sdk = pool.get(remote).sync()
    section = Section(
        "4. Streaming relay (time to first token)",
        "Parent `stream(..., stream_mode='messages', subgraphs=True)` over one stateless "
        "`remote_node(chatty)` vs the SDK `runs.stream(stream_mode='messages-tuple')`; time "
        f"from the call to the first non-empty token, streams read to the end. {reps} "
        "interleaved pairs.",
    )

    def via_parent() -> float:
        parts = graph.stream(
            {"messages": [HumanMessage("hello there")]}, stream_mode="messages", subgraphs=True
        )
        return first_token(parts, _parent_token)

    def direct() -> float:
        inp = {"messages": [{"type": "human", "content": "hello there"}]}
        parts = sdk.runs.stream(None, "chatty", input=inp, stream_mode="messages-tuple")
        return first_token(parts, _sdk_token)

    try:
        for _ in range(3):
            via_parent()
            direct()
        data = Paired()
        for i in range(reps):
            if i % 2:
                data.baseline.append(direct())
                data.candidate.append(via_parent())
            else:
                data.candidate.append(via_parent())
                data.baseline.append(direct())
        section.rows.append(
            Row.from_paired(
                "first token via parent", "first token direct", data, kind="diff", target=TARGET_MS
            )
        )
    finally:
        pool.close()
    return section


if __name__ == "__main__":
    from bench.common import main_against_fake

    main_against_fake(run)
