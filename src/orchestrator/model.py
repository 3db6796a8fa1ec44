"""Pick the chat model per run: ``provider:model`` through ``init_chat_model``, or ``scripted``.

``scripted`` needs no key and no network and says so in every answer. Like a real
model, it streams its tokens and, given tools, calls each once in order (arguments
taken from the conversation), then reports what the last one said.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from langchain.chat_models import base as chat_models
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool

from remote_graphs import ConfigError

SCRIPTED = "scripted"
_TOKEN = re.compile(r"\s*\S+")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")


class ScriptedChatModel(BaseChatModel):
    """A deterministic chat model for offline runs and tests (see the module docstring)."""

    tools: list[dict[str, Any]] = []

    @property
    def _llm_type(self) -> str:
        return SCRIPTED

    def bind_tools(self, tools: Sequence[Any], **_: Any) -> Runnable[LanguageModelInput, AIMessage]:
        """Remember the tools and their argument schemas; the script calls each in turn."""
        return self.model_copy(update={"tools": [convert_to_openai_tool(t) for t in tools]})

    def _generate(self, messages: list[BaseMessage], *_: Any, **__: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages))])

    def _stream(
        self, messages: list[BaseMessage], *_: Any, **__: Any
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._reply(messages)
        if reply.tool_calls:
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", tool_calls=reply.tool_calls)
            )
        for token in _TOKEN.findall(reply.text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))

    def _reply(self, messages: Sequence[BaseMessage]) -> AIMessage:
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
        request = messages[start].text if start >= 0 else ""
        turn = messages[start + 1 :]
        called = {c["name"] for m in turn if isinstance(m, AIMessage) for c in m.tool_calls}
        notes = [m.text for m in turn if m.text]
        for tool in (t["function"] for t in self.tools):
            if tool["name"] not in called:
                args = _arguments(tool.get("parameters", {}), request, notes)
                call = {"name": tool["name"], "args": args, "id": f"call-{len(messages)}"}
                return AIMessage("", tool_calls=[call])
        if called:
            return AIMessage(f"({SCRIPTED} model) {notes[-1] if notes else ''}")
        body = "".join(f"\n\n{note}" for note in notes)
        return AIMessage(f'({SCRIPTED} model) Answer to "{request}":{body}')


def _arguments(schema: Mapping[str, Any], request: str, notes: Sequence[str]) -> dict[str, Any]:
    """Fill each argument from the turn: text gets the request and what was said since."""
    text = request + "".join(f"\n\n{note}" for note in notes)
    numbers = [float(n) for n in _NUMBER.findall(text)]
    fill = {"string": text, "array": numbers, "number": (numbers or [0.0])[0]}
    properties = schema.get("properties", {})
    return {name: fill[p["type"]] for name, p in properties.items() if p.get("type") in fill}


def model_spec(context: object) -> str:
    """Return the model a run's context names (``model`` field or key), else $MODEL or scripted."""
    value = context.get("model") if isinstance(context, Mapping) else getattr(context, "model", "")
    return str(value or os.environ.get("MODEL") or SCRIPTED)


def require_model(spec: str) -> None:
    """Refuse a model that cannot be loaded, in one line that says how to fix it."""
    if spec.strip().lower() == SCRIPTED:
        return
    provider, sep, name = spec.partition(":")
    if not sep or not name:
        raise ConfigError(
            f"model {spec!r}: write 'scripted' or 'provider:model', e.g. 'openai:gpt-4.1-mini'"
        )
    providers = chat_models._BUILTIN_PROVIDERS
    if provider not in providers:
        close = difflib.get_close_matches(provider, providers, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(providers))}"
        raise ConfigError(f"model {spec!r}: unknown provider {provider!r}; {hint}")
    package = providers[provider][0].split(".")[0]
    if importlib.util.find_spec(package) is None:
        pkg = package.replace("_", "-")
        raise ConfigError(f"model {spec!r} needs the package {pkg}: add it with `uv add {pkg}`")


@cache
def load_chat_model(spec: str) -> BaseChatModel:
    """Return the chat model for ``spec``, ``scripted`` or ``provider:model``, built once."""
    require_model(spec)
    if spec.strip().lower() == SCRIPTED:
        return ScriptedChatModel()
    return chat_models.init_chat_model(spec)
