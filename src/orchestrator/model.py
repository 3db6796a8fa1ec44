"""Chat model choice: ``init_chat_model`` for real providers, a scripted model offline.

The scripted model is what ``make run`` and the tests use: it needs no API key
and no network, and it says plainly in every answer that it is scripted. As a
supervisor it calls the remote tools in a fixed order (researcher, analyst,
writer) and then reports the writer's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

SCRIPTED = "scripted"
TOOL_ORDER = ("researcher", "analyst", "writer")


class ScriptedSupervisor(BaseChatModel):
    """A deterministic stand-in for a tool-calling chat model, for offline runs and tests."""

    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "scripted-supervisor"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Remember which tools exist; the script only calls those."""
        names = tuple(t.name for t in tools if isinstance(t, BaseTool))
        return self.model_copy(update={"tool_names": names})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        request = next((m.text for m in reversed(messages) if isinstance(m, HumanMessage)), "")
        answered = {m.name for m in messages if isinstance(m, ToolMessage)}
        for step, name in enumerate(n for n in TOOL_ORDER if n in self.tool_names):
            if name not in answered:
                return AIMessage(
                    "",
                    tool_calls=[
                        {
                            "name": name,
                            "args": {"request": _ask(name, request, messages)},
                            "id": f"scripted-{name}-{len(messages)}-{step}",
                        }
                    ],
                )
        last = next((m for m in reversed(messages) if isinstance(m, ToolMessage)), None)
        body = last.text if last is not None else "I have no tools to ask."
        return AIMessage(f"(scripted supervisor, no LLM) {body}")


def _ask(tool: str, request: str, messages: Sequence[BaseMessage]) -> str:
    if tool == "researcher":
        return request
    notes = "\n\n".join(m.text for m in messages if isinstance(m, ToolMessage))
    return f"{request}\n\nWhat the other agents reported:\n{notes}"


def load_chat_model(spec: str) -> BaseChatModel:
    """Return the chat model for ``spec``: ``scripted`` or ``provider:model``."""
    if spec.strip().lower() == SCRIPTED:
        return ScriptedSupervisor()
    from langchain.chat_models import init_chat_model

    if ":" not in spec:
        raise ValueError(
            f"model {spec!r} must be 'scripted' or 'provider:model' (e.g. 'openai:gpt-4.1-mini')"
        )
    return init_chat_model(spec)
