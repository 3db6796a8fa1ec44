"""Render the orchestrator's stream as live terminal progress.

Reads ``astream(stream_mode=["tasks", "messages", "updates"], subgraphs=True)``
parts: which node (and so which remote) starts and finishes, and the tokens a
remote streams back, shown as they arrive.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from langchain_core.messages import AIMessageChunk

REMOTE_OF = {"research": "researcher", "analyze": "analyst", "write": "writer"}


class Progress:
    """Print one line per task start and end, and stream remote tokens inline."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self._streaming = False

    def show(self, ns: tuple[str, ...], mode: str, data: Any) -> None:
        """Take one stream part."""
        if mode == "tasks" and not ns and isinstance(data, dict):
            self._task(data)
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
        remote = REMOTE_OF.get(name)
        where = f" (remote {remote})" if remote else ""
        if "result" not in data and "error" not in data:
            question = (
                (data.get("input") or {}).get("question")
                if isinstance(data.get("input"), dict)
                else None
            )
            self._say(f"-> {name}{where} started" + (f": {question}" if question else ""))
        elif data.get("error"):
            self._say(f"!! {name}{where} failed: {data['error']}")
        elif data.get("interrupts"):
            self._say(f"|| {name}{where} is waiting for approval")
        else:
            self._say(f"<- {name}{where} done")

    def _say(self, text: str, end: str = "\n") -> None:
        if self._streaming:
            self.out.write("\n")
            self._streaming = False
        self.out.write(text + end)
        self.out.flush()


def _node(ns: tuple[str, ...]) -> str:
    return ns[0].split(":", 1)[0]
