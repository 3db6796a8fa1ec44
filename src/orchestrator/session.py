"""One orchestrator thread run in this process, with its SQLite checkpointer.

The graph's async steps run on an ``asyncio.Runner`` that stays open between
them, so the command can ask a person for an approval while no event loop
runs (Ctrl-C then stops it at once) and Ctrl-C during a step cancels that
step cleanly (its remote runs are cancelled too).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, cast

from langgraph.pregel import Pregel
from langgraph.types import StateSnapshot, StreamMode

from orchestrator.progress import Progress
from orchestrator.signals import deferred_signals
from remote_graphs import thread_config
from remote_graphs.persistence import async_sqlite_checkpointer

STREAM_MODES: list[StreamMode] = ["tasks", "messages", "updates"]
T = TypeVar("T")


class Session:
    """A graph with a checkpointer on ``db``, bound to one thread."""

    def __init__(
        self,
        graph: Pregel[Any, Any, Any, Any],
        db: Path,
        thread_id: str,
        *,
        context: dict[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.config = thread_config(thread_id)
        self.context = context
        self.progress = progress or Progress()
        self._graph = graph
        self._db = db
        self._runner: asyncio.Runner | None = None
        self._saver: AbstractAsyncContextManager[Any] | None = None
        self.graph: Pregel[Any, Any, Any, Any] = graph

    def __enter__(self) -> Session:
        runner = asyncio.Runner()
        self._runner = runner
        self._saver = async_sqlite_checkpointer(self._db)
        saver = runner.run(self._saver.__aenter__())
        self.graph = self._graph.copy(update={"checkpointer": saver})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        runner, saver, self._runner, self._saver = self._runner, self._saver, None, None
        with deferred_signals():
            if runner is not None:
                if saver is not None:
                    runner.run(saver.__aexit__(None, None, None))
                runner.close()

    def state(self) -> StateSnapshot:
        """Return the thread's latest state."""
        return self._run(self.graph.aget_state(self.config))

    def step(self, payload: Any) -> StateSnapshot:
        """Stream one run of the graph from ``payload``, showing progress; return the new state."""
        return self._run(self._step(payload))

    async def _step(self, payload: Any) -> StateSnapshot:
        async for part in self.graph.astream(
            payload,
            self.config,
            context=self.context,
            stream_mode=STREAM_MODES,
            subgraphs=True,
        ):
            ns, mode, data = cast(tuple[tuple[str, ...], str, Any], part)
            self.progress.show(ns, mode, data)
        return await self.graph.aget_state(self.config)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._runner is None:
            raise RuntimeError("enter the session first")
        return self._runner.run(coroutine)
