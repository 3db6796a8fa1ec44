"""Render the orchestrator's stream as live terminal progress.

Reads ``astream(stream_mode=["tasks", "messages", "updates"], subgraphs=True)``
parts: which node (and so which remote) starts and finishes, the tools a
tool-calling agent of the graph calls (not those the remotes call inside
themselves), and the tokens a remote streams back, shown as they arrive.
Which node calls which remote is read from the graph itself, so a new remote
shows up without being listed here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage


class Progress:
    """Print one line per task start and end and per tool call, and stream tokens inline."""

    def __init__(
        self,
        out: TextIO | None = None,
        *,
        remotes: Mapping[str, str] | None = None,
        remote_tools: Iterable[str] = (),
    ) -> None:
        """Show progress on ``out``.

        Args:
            out: Where to write; standard output by default.
            remotes: ``{node name: remote name}`` of the graph's remote nodes.
            remote_tools: Tool names that call a remote (the registry's names).
        """
        self.out = out or sys.stdout
        self.remotes = dict(remotes or {})
        self.remote_tools = set(remote_tools)
        self._streaming = False

    def show(self, ns: tuple[str, ...], mode: str, data: Any) -> None:
        """Take one stream part."""
        if mode == "tasks" and not ns and isinstance(data, dict):
            self._task(data)
        elif mode == "updates" and isinstance(data, dict) and len(ns) <= 1:
            for update in data.values():
                if isinstance(update, dict):
                    self._tool_traffic(update.get("messages") or [])
        elif mode == "messages" and ns:
            chunk, _meta = data
            if isinstance(chunk, AIMessageChunk) and chunk.text:
                if not self._streaming:
                    self._say(f"  ... {_node(ns)} is writing: ", end="")
                    self._streaming = True
                self.out.write(chunk.text)
                self.out.flush()

    def _task(self, data: dict[str, Any]) -> None:
        name = data.get("name", "?")
        if name.startswith("__"):
            return
        remote = self.remotes.get(name)
        where = f" (remote {remote})" if remote else ""
        if "result" not in data and "error" not in data:
            given = data.get("input")
            question = given.get("question") if isinstance(given, dict) else None
            self._say(f"-> {name}{where} started" + (f": {question}" if question else ""))
        elif data.get("error"):
            self._say(f"!! {name}{where} failed: {data['error']}")
        elif data.get("interrupts"):
            self._say(f"|| {name}{where} is waiting for approval")
        else:
            self._say(f"<- {name}{where} done")

    def _tool_traffic(self, messages: Any) -> None:
        for message in messages if isinstance(messages, list) else [messages]:
            if isinstance(message, AIMessage) and not isinstance(message, AIMessageChunk):
                for call in message.tool_calls:
                    request = (call.get("args") or {}).get("request")
                    self._say(
                        f"-> tool {call['name']}{self._kind(call['name'])} called"
                        + (f": {_first_line(request)}" if isinstance(request, str) else "")
                    )
            elif isinstance(message, ToolMessage) and message.name:
                tool = f"tool {message.name}{self._kind(message.name)}"
                failed = message.status == "error"
                self._say(f"!! {tool} failed" if failed else f"<- {tool} answered")

    def _kind(self, tool: str) -> str:
        return " (remote)" if tool in self.remote_tools else ""

    def _say(self, text: str, end: str = "\n") -> None:
        if self._streaming:
            self.out.write("\n")
            self._streaming = False
        self.out.write(text + end)
        self.out.flush()


def _first_line(text: str, limit: int = 100) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit and line == text.strip() else line[: limit - 3] + "..."


def _node(ns: tuple[str, ...]) -> str:
    return ns[0].split(":", 1)[0]
