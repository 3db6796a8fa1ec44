"""Parent graphs served by a real ``langgraph dev``, calling children at ``CHILD_URL``."""

import os

from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import add_remote


def _remote(graph_id: str) -> dict[str, str]:
    return {"name": graph_id, "url": os.environ["CHILD_URL"], "graph_id": graph_id}


chat = add_remote(StateGraph(MessagesState), _remote("counter"), name="count")
chat = chat.add_edge(START, "count").compile(name="chat")

review = add_remote(StateGraph(MessagesState), _remote("reviewer"), name="review")
review = review.add_edge(START, "review").compile(name="review")
