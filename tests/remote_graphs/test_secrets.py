"""Secrets: each key goes only to its own remote and appears nowhere else."""

import logging
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import RemoteRunError, remote_node, remote_tool, thread_config
from remote_graphs.persistence import sqlite_checkpointer
from remote_graphs.registry import parse_remote
from tests.sample_graphs.graphs import GRAPHS

KEYS = {"alpha": "key-alpha-7f3a9c", "beta": "key-beta-21be04", "gamma": "key-gamma-c0ffee"}


def test_keys_reach_only_their_remote_and_leak_nowhere(
    make_fake_agent_server: Any,
    pool: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    servers = {name: make_fake_agent_server(GRAPHS) for name in KEYS}
    specs = {}
    for name, key in KEYS.items():
        monkeypatch.setenv(f"{name.upper()}_KEY", key)
        specs[name] = parse_remote(
            {
                "name": name,
                "url": servers[name].url,
                "graph_id": "echo",
                "api_key_env": f"{name.upper()}_KEY",
            }
        )
    builder = StateGraph(MessagesState)
    builder.add_node(remote_node(specs["alpha"], pool=pool))
    builder.add_node(remote_node(specs["beta"], pool=pool))
    builder.add_edge(START, "alpha").add_edge("alpha", "beta")
    db = tmp_path / "cp.sqlite"
    outputs: list[str] = []
    with sqlite_checkpointer(db) as saver:
        graph = builder.compile(checkpointer=saver)
        cfg = thread_config()
        for part in graph.stream(
            {"messages": [HumanMessage("hi")]},
            cfg,
            stream_mode=["values", "updates", "messages", "debug"],
            subgraphs=True,
        ):
            outputs.append(repr(part))
        outputs.append(repr(graph.get_state(cfg)))
        outputs.append(repr(list(graph.get_state_history(cfg))))
        tool = remote_tool(specs["gamma"], pool=pool)
        outputs.append(
            repr(
                tool.invoke(
                    {"type": "tool_call", "name": "gamma", "args": {"request": "x"}, "id": "1"}
                )
            )
        )
        servers["gamma"].inject(
            __import__("remote_graphs.testing", fromlist=["Fault"]).Fault.status(
                401, {"detail": "bad key"}
            )
        )
        with pytest.raises(RemoteRunError) as info:
            tool.invoke({"request": "x"})
        outputs += [
            str(info.value),
            repr(info.value),
            repr(info.value.__cause__),
            str(info.value.__cause__),
        ]
    outputs.append(caplog.text)
    stored = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("cp.sqlite*"))
    for name, key in KEYS.items():
        assert key.encode() not in stored, f"{name}'s key is in the checkpoint database"
        for text in outputs:
            assert key not in text, f"{name}'s key leaked: {text[:200]}"
        seen = {r.headers.get("x-api-key") for r in servers[name].requests}
        assert seen == {key}, f"{name} received {seen}"
        for request in servers[name].requests:
            assert key not in str(request.body)
