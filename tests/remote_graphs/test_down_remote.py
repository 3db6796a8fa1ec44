"""A remote that nobody answers at: the error says so, and how to carry on once it is back."""

from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import RemoteRunError, add_remote, thread_config
from remote_graphs.registry import parse_remote


def test_a_remote_that_is_down_is_named_with_what_to_do(pool: Any, refused_url: str) -> None:
    spec = parse_remote(
        {"name": "writer", "url": refused_url, "graph_id": "echo", "retry": {"max_attempts": 1}}
    )
    graph = add_remote(StateGraph(MessagesState), spec, name="write", pool=pool)
    graph = graph.add_edge(START, "write").compile(checkpointer=InMemorySaver())
    with pytest.raises(RemoteRunError) as info:
        graph.invoke({"messages": [HumanMessage("hi")]}, thread_config())
    message = str(info.value)
    assert message.startswith(f"remote 'writer' (called by 'write') at {refused_url}: ")
    assert "\n" not in message
    assert message.endswith(
        "nothing answers at that URL: start the remote (or point its url_env at a running one),"
        " then run the thread again with no input to go on from this step"
    )
