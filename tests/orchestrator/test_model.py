"""The one scripted chat model, and the one-line refusal of a model that cannot load."""

import importlib.util
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from orchestrator.model import ScriptedChatModel, load_chat_model, model_spec, require_model
from remote_graphs import ConfigError


@tool
def lookup(request: str) -> str:
    """Look something up."""
    return "found"


@tool
def total(numbers: list[float]) -> str:
    """Add numbers up."""
    return str(sum(numbers))


def test_streams_the_same_text_it_answers() -> None:
    model = load_chat_model("scripted")
    messages = [HumanMessage("What is up?"), AIMessage("The sky.")]
    tokens = [chunk.text for chunk in model.stream(messages)]
    assert len(tokens) > 3 and "".join(tokens) == model.invoke(messages).text
    assert model.invoke(messages).text == '(scripted model) Answer to "What is up?":\n\nThe sky.'


def test_calls_each_tool_it_is_given_once_in_order_then_reports() -> None:
    model = ScriptedChatModel().bind_tools([lookup, total])
    messages: list[Any] = [HumanMessage("Add 2 and 3.")]
    for name, result in (("lookup", "it is 2 plus 3"), ("total", "5.0")):
        reply = model.invoke(messages)
        [call] = reply.tool_calls
        assert call["name"] == name
        messages += [reply, ToolMessage(result, tool_call_id=call["id"], name=name)]
    assert messages[1].tool_calls[0]["args"] == {"request": "Add 2 and 3."}
    assert messages[3].tool_calls[0]["args"] == {"numbers": [2.0, 3.0, 2.0, 3.0]}
    assert model.invoke(messages).text == "(scripted model) 5.0"


def test_a_new_turn_calls_the_tools_again() -> None:
    model = ScriptedChatModel().bind_tools([lookup])
    first = model.invoke([HumanMessage("a")])
    earlier = [HumanMessage("a"), first, ToolMessage("x", tool_call_id=first.tool_calls[0]["id"])]
    assert model.invoke([*earlier, HumanMessage("b")]).tool_calls[0]["args"] == {"request": "b"}


@dataclass
class Context:
    model: str = ""


def test_the_runs_context_names_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODEL", raising=False)
    assert model_spec(Context("openai:gpt-4.1-mini")) == "openai:gpt-4.1-mini"
    assert model_spec({"model": "anthropic:claude-sonnet-4-5"}) == "anthropic:claude-sonnet-4-5"
    assert model_spec(None) == model_spec({}) == model_spec(Context()) == "scripted"
    monkeypatch.setenv("MODEL", "openai:gpt-4.1")
    assert model_spec(None) == "openai:gpt-4.1"


def test_a_model_is_built_once_per_spec() -> None:
    assert load_chat_model("scripted") is load_chat_model("scripted")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "openai:gpt-4.1-mini",
            "model 'openai:gpt-4.1-mini' needs the package langchain-openai: "
            "add it with `uv add langchain-openai`",
        ),
        (
            "opnai:gpt-4.1",
            "model 'opnai:gpt-4.1': unknown provider 'opnai'; did you mean 'openai'?",
        ),
        (
            "gpt-4.1",
            "model 'gpt-4.1': write 'scripted' or 'provider:model', e.g. 'openai:gpt-4.1-mini'",
        ),
    ],
)
def test_a_model_that_cannot_load_is_one_line(
    spec: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no provider installed
    with pytest.raises(ConfigError) as caught:
        require_model(spec)
    assert str(caught.value) == message
    with pytest.raises(ConfigError):
        load_chat_model(spec)
