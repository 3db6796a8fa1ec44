"""A graph that calls the same graph on a peer deployment (``PEER_URL``): a deliberate cycle."""

import os

from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import remote_node

peer = remote_node({"name": "peer", "url": os.environ["PEER_URL"], "graph_id": "ping"})
graph = StateGraph(MessagesState).add_node(peer).add_edge(START, "peer").compile(name="ping")
