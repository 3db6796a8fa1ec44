"""Checkpointers for the orchestrator's own threads: SQLite on one machine, Postgres beyond.

The graph that ``langgraph.json`` serves is compiled without a checkpointer
(the Agent Server supplies one); ``served_checkpointer`` is what its
``"checkpointer": {"path": ...}`` entry points at, so served threads persist in
the same SQLite file (or Postgres) that library and command-line runs use.
Both served savers implement every capability the server uses (rollback of
cancelled runs, thread copy, pruning), so it starts without warnings.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from remote_graphs.errors import ConfigError
from remote_graphs.sqlite_saver import ServedSqliteSaver

DB_ENV = "REMOTE_GRAPHS_DB"
"""SQLite file for checkpoints (default: in ``.langgraph_api/``, beside the dev server's state)."""
POSTGRES_ENV = "REMOTE_GRAPHS_POSTGRES_URI"
"""Postgres connection string; when set, Postgres is used instead of SQLite."""
DEFAULT_DB = Path(".langgraph_api") / "checkpoints.sqlite"


def sqlite_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the SQLite file to use (argument, then ``REMOTE_GRAPHS_DB``), creating its folder."""
    file = Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)
    if file.is_dir():
        raise ConfigError(f"checkpoint database {file} is a directory; name a file instead")
    file.parent.mkdir(parents=True, exist_ok=True)
    return file


@contextmanager
def sqlite_checkpointer(path: str | os.PathLike[str] | None = None) -> Iterator[SqliteSaver]:
    """Yield a ready sync ``SqliteSaver`` on ``path``; the connection closes on exit."""
    with SqliteSaver.from_conn_string(str(sqlite_path(path))) as saver:
        saver.setup()
        yield saver


@asynccontextmanager
async def async_sqlite_checkpointer(
    path: str | os.PathLike[str] | None = None,
) -> AsyncIterator[ServedSqliteSaver]:
    """Yield a ready ``ServedSqliteSaver`` on ``path``; the connection closes on exit."""
    async with aiosqlite.connect(str(sqlite_path(path))) as conn:
        saver = ServedSqliteSaver(conn)
        await saver.setup()
        yield saver


@asynccontextmanager
async def postgres_checkpointer(uri: str) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Yield a ready ``ServedPostgresSaver`` (install the ``postgres`` extra)."""
    try:
        from remote_graphs.postgres_saver import ServedPostgresSaver
    except ImportError:
        raise ConfigError(
            f"{POSTGRES_ENV} is set but langgraph-checkpoint-postgres is not installed; "
            "install the extra: pip install 'remote-graphs[postgres]'"
        ) from None
    async with ServedPostgresSaver.from_conn_string(uri) as saver:
        await saver.setup()
        yield saver


@asynccontextmanager
async def served_checkpointer() -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Yield the served deployment's checkpointer: Postgres when configured, else SQLite."""
    if uri := os.environ.get(POSTGRES_ENV, "").strip():
        async with postgres_checkpointer(uri) as saver:
            yield saver
    else:
        async with async_sqlite_checkpointer() as sqlite_saver:
            yield sqlite_saver
