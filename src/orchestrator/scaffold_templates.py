"""The files ``make new-remote`` writes, as ``string.Template`` texts (``$name`` and friends).

The name appears once per Python file (as ``NAME``), so the generated code
stays within the line length whatever the name.
"""

from __future__ import annotations

from string import Template

GRAPH = Template('''"""A child deployment: messages in, messages out.

It runs on its own Agent Server (its folder's ``langgraph.json``); the
orchestrator calls it through its entry in ``remotes.toml``. Replace
``answer`` with what this agent does: call a model, tools, other services.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.graph import START, MessagesState, StateGraph

NAME = "$name"


def answer(state: MessagesState) -> dict[str, Any]:
    """Answer the latest message (for now, by saying what it received)."""
    latest = state["messages"][-1].text if state["messages"] else ""
    return {"messages": [AIMessage(f"{NAME} received: {latest}", name=NAME)]}


builder = StateGraph(MessagesState)
builder.add_node(answer)
builder.add_edge(START, "answer")
graph = builder.compile(name=NAME)
''')

LANGGRAPH_JSON = Template("""{
  "$$schema": "https://langgra.ph/schema.json",
  "dependencies": ["../.."],
  "graphs": {
    "$name": {
      "path": "./graph.py:graph",
      "description": "$title: answers the latest message (replace with what it does)."
    }
  }
}
""")

REMOTE = Template("""[remotes.$name]
url = "http://127.0.0.1:$port"
url_env = "$env"
graph_id = "$name"
description = "$title: answers the latest message (say what it does; the supervisor reads this)."
""")

TEST = Template('''"""A child on a fake Agent Server, called the way the orchestrator calls it."""

from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from orchestrator.loader import ROOT, load_graph
from remote_graphs import Registry, add_remote, thread_config

NAME = "$name"
graph = load_graph(NAME, ROOT / "graphs" / NAME / "langgraph.json")


def test_the_graph_answers() -> None:
    out = graph.invoke({"messages": [HumanMessage("Hello")]})
    assert out["messages"][-1].text == f"{NAME} received: Hello"


def test_a_remote_node_calls_it_on_its_deployment(fake_children: Any) -> None:
    registry = Registry.from_file(ROOT / "remotes.toml")
    builder = StateGraph(MessagesState)
    add_remote(builder, registry[NAME], name=NAME)
    builder.add_edge(START, NAME)
    out = builder.compile().invoke({"messages": [HumanMessage("Hello")]}, thread_config())
    assert out["messages"][-1].text == f"{NAME} received: Hello"
    assert len(fake_children[NAME].runs_of(NAME)) == 1
''')
