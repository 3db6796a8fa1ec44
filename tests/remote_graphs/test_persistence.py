import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import ALL_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Command, interrupt
from langgraph_sdk import get_sync_client

from orchestrator.devserver import DevServer
from remote_graphs import ConfigError, Registry, thread_config
from remote_graphs.persistence import (
    DB_ENV,
    POSTGRES_ENV,
    async_sqlite_checkpointer,
    postgres_checkpointer,
    served_checkpointer,
    sqlite_checkpointer,
)
from remote_graphs.sqlite_saver import ServedSqliteSaver
from tests.remote_graphs.postgres_server import postgres_cluster

ROOT = Path(__file__).resolve().parents[2]
SaverFactory = Callable[[], AbstractAsyncContextManager[BaseCheckpointSaver[str]]]


def _graph() -> Any:
    def answer(state: MessagesState) -> dict[str, Any]:
        return {"messages": [("ai", f"seen {len(state['messages'])}")]}

    return StateGraph(MessagesState).add_node(answer).add_edge(START, "answer")


def _graph_with_subgraph() -> Any:
    inner = _graph().compile()
    return StateGraph(MessagesState).add_node("inner", inner).add_edge(START, "inner")


def _run_config(thread_id: str, run_id: str | None = None) -> Any:
    """Configure a turn the way the Agent Server does: the run id goes into the metadata."""
    return {
        "configurable": {"thread_id": thread_id},
        "metadata": {"run_id": run_id or str(uuid.uuid4())},
    }


def _assert_full(report: CapabilityReport) -> None:
    missing = sorted(c.value for c in ALL_CAPABILITIES if not report.results[c.value].detected)
    assert not missing, f"capabilities not implemented: {missing}"
    assert report.conformance_level() == "FULL", report.to_dict()


@pytest.fixture(scope="module")
def postgres_uri() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the module; skips where none can run."""
    cluster = postgres_cluster()
    try:
        uri = cluster.__enter__()
    except (LookupError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no PostgreSQL server here: {exc}")
    try:
        yield uri
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgres"])
def saver_factory(request: pytest.FixtureRequest, tmp_path: Path) -> SaverFactory:
    """Open the served checkpointer of either backend."""
    if request.param == "postgres":
        uri = request.getfixturevalue("postgres_uri")
        return lambda: postgres_checkpointer(uri)
    return lambda: async_sqlite_checkpointer(tmp_path / "cp.sqlite")


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
        assert isinstance(saver, ServedSqliteSaver)
        state = await _graph().compile(checkpointer=saver).aget_state(cfg)
    assert len(state.values["messages"]) == 2


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"), sqlite_checkpointer(tmp_path):
        pass


async def test_sqlite_checkpointer_conformance(tmp_path: Path) -> None:
    @checkpointer_test(name="remote_graphs async SQLite")
    async def factory() -> AsyncIterator[BaseCheckpointSaver[str]]:
        async with async_sqlite_checkpointer(tmp_path / f"{uuid.uuid4()}.sqlite") as saver:
            yield saver

    report = await validate(factory)
    _assert_full(report)
    assert report.results["put"].tests_passed > 0


async def test_postgres_checkpointer_conformance(
    postgres_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remote_graphs.postgres_saver import ServedPostgresSaver

    monkeypatch.setenv(POSTGRES_ENV, postgres_uri)
    async with served_checkpointer() as saver:
        assert isinstance(saver, ServedPostgresSaver)
        cfg = thread_config()
        await _graph().compile(checkpointer=saver).ainvoke({"messages": [("user", "a")]}, cfg)

    @checkpointer_test(name="remote_graphs Postgres")
    async def factory() -> AsyncIterator[BaseCheckpointSaver[str]]:
        async with postgres_checkpointer(postgres_uri) as saver:
            yield saver

    _assert_full(await validate(factory))


async def test_rolling_back_a_run_restores_the_state_before_it(
    saver_factory: SaverFactory,
) -> None:
    thread, second = str(uuid.uuid4()), str(uuid.uuid4())
    async with saver_factory() as saver:
        graph = _graph().compile(checkpointer=saver)
        await graph.ainvoke({"messages": [("user", "a")]}, _run_config(thread))
        before = await graph.aget_state(_run_config(thread))
        await graph.ainvoke({"messages": [("user", "b")]}, _run_config(thread, second))
        await saver.adelete_for_runs([second])
        after = await graph.aget_state(_run_config(thread))
        again = await graph.ainvoke({"messages": [("user", "c")]}, _run_config(thread))
    assert after.values == before.values
    assert (
        after.config["configurable"]["checkpoint_id"]
        == (before.config["configurable"]["checkpoint_id"])
    )
    assert [m.content for m in again["messages"]] == ["a", "seen 1", "c", "seen 3"]


async def test_a_copied_thread_has_the_state_and_goes_its_own_way(
    saver_factory: SaverFactory,
) -> None:
    source, target = str(uuid.uuid4()), str(uuid.uuid4())
    async with saver_factory() as saver:
        graph = _graph().compile(checkpointer=saver)
        await graph.ainvoke({"messages": [("user", "a")]}, _run_config(source))
        await saver.acopy_thread(source, target)
        copied = await graph.aget_state(_run_config(target))
        history = [s async for s in graph.aget_state_history(_run_config(target))]
        await graph.ainvoke({"messages": [("user", "b")]}, _run_config(target))
        original = await graph.aget_state(_run_config(source))
    assert [m.content for m in copied.values["messages"]] == ["a", "seen 1"]
    assert {s.metadata.get("thread_id", target) for s in history if s.metadata} == {target}
    assert [m.content for m in original.values["messages"]] == ["a", "seen 1"]


async def test_keep_latest_bounds_a_long_thread_and_it_goes_on(tmp_path: Path) -> None:
    thread = str(uuid.uuid4())
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _graph().compile(checkpointer=saver)
        for text in "abc":
            await graph.ainvoke({"messages": [("user", text)]}, _run_config(thread))
        before = await graph.aget_state(_run_config(thread))
        await saver.aprune([thread])
        history = [s async for s in graph.aget_state_history(_run_config(thread))]
        out = await graph.ainvoke({"messages": [("user", "d")]}, _run_config(thread))
    assert len(history) == 1
    assert history[0].values == before.values
    assert history[0].parent_config is None
    assert len(out["messages"]) == 8


def _namespaces(db: Path, thread: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT DISTINCT checkpoint_ns FROM checkpoints WHERE thread_id = ? "
            "UNION SELECT DISTINCT checkpoint_ns FROM writes WHERE thread_id = ?",
            (thread, thread),
        )
        return sorted(ns for (ns,) in rows)


async def test_keep_latest_drops_finished_subgraph_calls(tmp_path: Path) -> None:
    db, thread = tmp_path / "cp.sqlite", str(uuid.uuid4())
    async with async_sqlite_checkpointer(db) as saver:
        graph = _graph_with_subgraph().compile(checkpointer=saver)
        for text in "ab":
            await graph.ainvoke({"messages": [("user", text)]}, _run_config(thread))
        calls = [ns for ns in _namespaces(db, thread) if ns]
        await saver.aprune([thread], strategy="keep_latest")
        state = await graph.aget_state(_run_config(thread))
    assert len(calls) == 2
    assert _namespaces(db, thread) == [""]
    assert [m.content for m in state.values["messages"]] == ["a", "seen 1", "b", "seen 3"]


async def test_keep_latest_refuses_delta_channel_threads_and_prunes_nothing(
    tmp_path: Path,
) -> None:
    plain, delta = str(uuid.uuid4()), str(uuid.uuid4())
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _graph().compile(checkpointer=saver)
        for thread in (plain, delta):
            for text in "ab":
                await graph.ainvoke({"messages": [("user", text)]}, _run_config(thread))
        latest = await saver.aget_tuple(_run_config(delta))
        assert latest is not None
        metadata = {**latest.metadata, "counters_since_delta_snapshot": {"messages": [1, 1]}}
        await saver.aput(latest.config, latest.checkpoint, metadata, {})
        with pytest.raises(NotImplementedError, match=delta):
            await saver.aprune([plain, delta])
        history = [s async for s in graph.aget_state_history(_run_config(plain))]
    assert len(history) > 1


@pytest.mark.parametrize("strategy", ["delete", "delete_all"])
async def test_delete_strategy_removes_only_the_named_threads(
    tmp_path: Path, strategy: str
) -> None:
    gone, kept = str(uuid.uuid4()), str(uuid.uuid4())
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = _graph().compile(checkpointer=saver)
        for thread in (gone, kept):
            await graph.ainvoke({"messages": [("user", "a")]}, _run_config(thread))
        await saver.aprune([gone], strategy=strategy)
        assert await saver.aget_tuple(_run_config(gone)) is None
        assert await saver.aget_tuple(_run_config(kept)) is not None


async def test_bad_prune_arguments_are_refused(tmp_path: Path) -> None:
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        with pytest.raises(ValueError, match="unknown prune strategy 'oldest'"):
            await saver.aprune([str(uuid.uuid4())], strategy="oldest")
        with pytest.raises(TypeError, match="not one string"):
            await saver.aprune(str(uuid.uuid4()))


async def test_keep_latest_keeps_a_subgraph_call_that_is_waiting(tmp_path: Path) -> None:
    prepared: list[str] = []

    def prepare(state: MessagesState) -> dict[str, Any]:
        prepared.append("once")
        return {}

    def ask(state: MessagesState) -> dict[str, Any]:
        return {"messages": [("ai", str(interrupt("approve?")))]}

    inner = (
        StateGraph(MessagesState)
        .add_node(prepare)
        .add_node(ask)
        .add_edge(START, "prepare")
        .add_edge("prepare", "ask")
        .compile()
    )
    builder = StateGraph(MessagesState).add_node("inner", inner).add_edge(START, "inner")
    thread = str(uuid.uuid4())
    async with async_sqlite_checkpointer(tmp_path / "cp.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        await graph.ainvoke({"messages": [("user", "a")]}, _run_config(thread))
        await saver.aprune([thread])
        out = await graph.ainvoke(Command(resume="yes"), _run_config(thread))
    assert [m.content for m in out["messages"]] == ["a", "yes"]
    assert prepared == ["once"]


@pytest.mark.real_server
def test_served_on_postgres_the_server_finds_every_capability(
    postgres_uri: str, tmp_path: Path
) -> None:
    with DevServer(
        ROOT / "langgraph.json",
        cwd=tmp_path,
        env={POSTGRES_ENV: postgres_uri},
        startup_timeout=90,
    ) as server:
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Using custom checkpointer: ServedPostgresSaver" in log
    assert "Custom checkpointer missing" not in log


@pytest.fixture
def silent_deployment() -> Iterator[str]:
    """A loopback URL that accepts connections and never answers, so a remote call hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def _wait_for(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what}")
        time.sleep(0.2)


@pytest.mark.real_server
def test_served_rollback_removes_the_checkpoints_of_the_cancelled_run(
    silent_deployment: str, tmp_path: Path
) -> None:
    remotes = Registry.from_file(ROOT / "remotes.toml").values()
    urls = {spec.url_env: silent_deployment for spec in remotes if spec.url_env}
    with DevServer(
        ROOT / "langgraph.json",
        cwd=tmp_path,
        env={DB_ENV: str(tmp_path / "served.sqlite"), **urls},
        startup_timeout=90,
    ) as server:
        client = get_sync_client(url=server.url, api_key=None)
        graph_id = client.assistants.search(metadata={"created_by": "system"})[0]["graph_id"]
        thread = client.threads.create()["thread_id"]
        task = {
            "messages": [{"role": "user", "content": "How much energy does a wind turbine make?"}]
        }

        def run_ids() -> set[str]:
            history = client.threads.get_history(thread, limit=100)
            return {state["metadata"].get("run_id") for state in history}

        first = client.runs.create(thread, graph_id, input=task)["run_id"]
        _wait_for("the first run's checkpoints", lambda: first in run_ids())
        client.runs.create(thread, graph_id, input=task, multitask_strategy="rollback")
        _wait_for("the first run rolled back", lambda: first not in run_ids())
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Failed to clean up custom checkpointer data" not in log
