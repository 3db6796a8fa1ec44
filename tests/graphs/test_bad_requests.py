"""A run without a request to answer, or with a model that cannot load, stops before any remote.

Each is one line saying what was wrong and how to fix it; the Agent Server passes a
``ValueError``'s message to the caller (others become "An internal error occurred").
"""

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from graphs import pipeline, supervisor
from remote_graphs import ConfigError, thread_config
from remote_graphs.testing import FakeAgentServer

BUILDERS = {"pipeline": pipeline.builder, "supervisor": supervisor.builder}
NO_REQUEST = (
    'the run brings no request to answer: send input={"messages": [{"role": "user", '
    '"content": "<your request>"}]}'
)


@pytest.fixture(params=sorted(BUILDERS))
def graph(request: pytest.FixtureRequest, fresh_children: dict[str, FakeAgentServer]) -> Any:
    return BUILDERS[request.param].compile(checkpointer=InMemorySaver())


def no_remote_called(children: dict[str, FakeAgentServer]) -> bool:
    return all(not server.runs for server in children.values())


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"foo": 1},
        {"messages": []},
        {"messages": [AIMessage("I am not a request")]},
        {"messages": [HumanMessage("What do solar panels produce?"), AIMessage("Power.")]},
    ],
    ids=["empty", "unknown key", "no messages", "no user message", "answered already"],
)
async def test_input_without_a_user_message_is_refused(
    graph: Any, fresh_children: Any, given: dict[str, Any]
) -> None:
    with pytest.raises(ValueError) as refused:
        await graph.ainvoke(given, thread_config())
    assert str(refused.value) == NO_REQUEST
    assert no_remote_called(fresh_children)


async def test_a_blank_request_is_refused(graph: Any, fresh_children: Any) -> None:
    with pytest.raises(ValueError, match=r"^the request is blank: write what you want answered"):
        await graph.ainvoke({"messages": [HumanMessage("  ")]}, thread_config())
    assert no_remote_called(fresh_children)


async def test_a_model_that_cannot_load_stops_before_any_remote(
    graph: Any, fresh_children: Any
) -> None:
    with pytest.raises(ConfigError, match=r"^model 'nope': write 'scripted' or 'provider:model'"):
        await graph.ainvoke(
            {"messages": [HumanMessage("What do solar panels produce?")]},
            thread_config(),
            context={"model": "nope"},
        )
    assert no_remote_called(fresh_children)
