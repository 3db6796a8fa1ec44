"""A deterministic chat model that streams a scripted answer token by token.

It stands in for a real chat model so the writer needs no API key and no network,
yet behaves like one over the wire: called with ``.invoke()`` inside a graph node,
its tokens reach LangGraph's ``messages`` stream mode (and so the Agent Server's
``messages-tuple`` stream) one by one, like a real model's. Swap it for
``init_chat_model("provider:model")`` plus a prompt to use a real model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

__all__ = ["ScriptedChatModel", "split_tokens"]

_TOKEN = re.compile(r"\s*\S+|\s+")


def split_tokens(text: str) -> list[str]:
    """Split ``text`` into word-sized tokens, each with the whitespace before it.

    Joining the tokens gives ``text`` back exactly.
    """
    return _TOKEN.findall(text)


class ScriptedChatModel(BaseChatModel):
    """A chat model whose answer is ``script(messages)``, streamed word by word.

    Attributes:
        script: Computes the answer text from the prompt messages; it should be
            deterministic, so that a repeated call gives the same answer.
        model_name: Reported in ``response_metadata`` so answers say where they came from.
    """

    script: Callable[[Sequence[BaseMessage]], str]
    model_name: str = "scripted"

    @property
    def _llm_type(self) -> str:
        return "scripted-chat-model"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(self.script(messages), response_metadata=self._metadata())
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        tokens = split_tokens(self.script(messages)) or [""]
        for i, token in enumerate(tokens):
            last = i == len(tokens) - 1
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(
                    content=token,
                    response_metadata=self._metadata() if last else {},
                    chunk_position="last" if last else None,
                )
            )
            if run_manager is not None:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk

    def _metadata(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "model_provider": "scripted"}
