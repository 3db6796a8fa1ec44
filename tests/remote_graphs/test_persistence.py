import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import ConfigError, thread_config
from remote_graphs.persistence import (
    DB_ENV,
    POSTGRES_ENV,
    async_sqlite_checkpointer,
    postgres_checkpointer,
    served_checkpointer,
    sqlite_checkpointer,
)


def _graph() -> Any:
    def answer(state: MessagesState) -> dict[str, Any]:
        return {"messages": [("ai", f"seen {len(state['messages'])}")]}

    return StateGraph(MessagesState).add_node(answer).add_edge(START, "answer")


def test_sqlite_threads_survive_a_new_connection(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "cp.sqlite"
    cfg = thread_config()
    with sqlite_checkpointer(db) as saver:
        _graph().compile(checkpointer=saver).invoke({"messages": [("user", "a")]}, cfg)
    with sqlite_checkpointer(db) as saver:
        graph = _graph().compile(checkpointer=saver)
        out = graph.invoke({"messages": [("user", "b")]}, cfg)
    assert [m.content for m in out["messages"]] == ["a", "seen 1", "b", "seen 3"]


async def test_async_sqlite_and_env_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.sqlite"))
    cfg = thread_config()
    async with async_sqlite_checkpointer() as saver:
        await _graph().compile(checkpointer=saver).ainvoke({"messages": [("user", "a")]}, cfg)
    assert (tmp_path / "env.sqlite").exists()
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    async with served_checkpointer() as saver:
        assert isinstance(saver, AsyncSqliteSaver)
        state = await _graph().compile(checkpointer=saver).aget_state(cfg)
    assert len(state.values["messages"]) == 2


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"), sqlite_checkpointer(tmp_path):
        pass


async def test_sqlite_checkpointer_conformance(tmp_path: Path) -> None:
    @checkpointer_test(name="remote_graphs async SQLite")
    async def factory() -> AsyncIterator[AsyncSqliteSaver]:
        async with async_sqlite_checkpointer(tmp_path / f"{uuid.uuid4()}.sqlite") as saver:
            yield saver

    report = await validate(factory)
    assert report.passed_all(), report.to_dict()
    assert report.results["put"].tests_passed > 0


async def test_postgres_checkpointer_conformance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    from tests.remote_graphs.postgres_server import postgres_cluster

    try:
        cluster = postgres_cluster()
        uri = cluster.__enter__()
    except (LookupError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no PostgreSQL server here: {exc}")
    try:
        monkeypatch.setenv(POSTGRES_ENV, uri)
        async with served_checkpointer() as saver:
            assert isinstance(saver, AsyncPostgresSaver)
            cfg = thread_config()
            await _graph().compile(checkpointer=saver).ainvoke({"messages": [("user", "a")]}, cfg)

        @checkpointer_test(name="remote_graphs Postgres")
        async def factory() -> AsyncIterator[Any]:
            async with postgres_checkpointer(uri) as saver:
                yield saver

        report = await validate(factory)
        assert report.passed_all(), report.to_dict()
    finally:
        cluster.__exit__(None, None, None)
