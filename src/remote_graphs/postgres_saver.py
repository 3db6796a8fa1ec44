"""The served Postgres checkpointer: ``AsyncPostgresSaver`` plus rollback and thread copy.

``AsyncPostgresSaver`` prunes but implements neither ``adelete_for_runs`` (an
Agent Server's ``multitask_strategy="rollback"``) nor ``acopy_thread``, so the
server warns at start-up and copies threads one checkpoint at a time. Import
this module only with the ``postgres`` extra installed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncCursor
from psycopg.rows import DictRow

_DELETE_RUN_CHECKPOINTS = """
DELETE FROM checkpoints WHERE metadata ->> 'run_id' = ANY(%s)
RETURNING thread_id, checkpoint_ns, checkpoint_id, checkpoint -> 'channel_versions' AS versions
"""
_DELETE_WRITES = """
DELETE FROM checkpoint_writes
WHERE thread_id = %s AND checkpoint_ns = %s AND checkpoint_id = ANY(%s)
"""
_REFERENCED_VERSIONS = """
SELECT DISTINCT v.key AS channel, v.value AS version
FROM checkpoints c
CROSS JOIN LATERAL jsonb_each_text(c.checkpoint -> 'channel_versions') AS v
WHERE c.thread_id = %s AND c.checkpoint_ns = %s
"""
_DELETE_BLOBS = """
DELETE FROM checkpoint_blobs
WHERE thread_id = %s AND checkpoint_ns = %s AND channel = %s AND version = ANY(%s)
"""
_COPY_THREAD = (
    """
    INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id,
        type, checkpoint, metadata)
    SELECT %(target)s, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint,
        CASE WHEN metadata ? 'thread_id'
            THEN jsonb_set(metadata, '{thread_id}', to_jsonb(%(target)s::text))
            ELSE metadata END
    FROM checkpoints WHERE thread_id = %(source)s
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
    SELECT %(target)s, checkpoint_ns, channel, version, type, blob
    FROM checkpoint_blobs WHERE thread_id = %(source)s
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path,
        idx, channel, type, blob)
    SELECT %(target)s, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob
    FROM checkpoint_writes WHERE thread_id = %(source)s
    ON CONFLICT DO NOTHING
    """,
)


class ServedPostgresSaver(AsyncPostgresSaver):
    """Persist threads in Postgres with every capability an Agent Server can use."""

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints the given runs saved, their writes and blobs no one else uses."""
        ids = [str(run_id) for run_id in run_ids]
        if not ids:
            return
        async with self._transaction() as cur:
            await cur.execute(_DELETE_RUN_CHECKPOINTS, (ids,), prepare=False)
            deleted = await cur.fetchall()
            by_namespace: dict[tuple[str, str], list[DictRow]] = defaultdict(list)
            for row in deleted:
                by_namespace[row["thread_id"], row["checkpoint_ns"]].append(row)
            for (thread_id, ns), rows in by_namespace.items():
                checkpoint_ids = [row["checkpoint_id"] for row in rows]
                await cur.execute(_DELETE_WRITES, (thread_id, ns, checkpoint_ids))
                await cur.execute(_REFERENCED_VERSIONS, (thread_id, ns))
                kept = {(r["channel"], r["version"]) for r in await cur.fetchall()}
                for channel, versions in _freed_versions(rows, kept).items():
                    await cur.execute(_DELETE_BLOBS, (thread_id, ns, channel, versions))

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint, blob and write of a thread, in every namespace, to another."""
        params = {"source": str(source_thread_id), "target": str(target_thread_id)}
        async with self._transaction() as cur:
            for sql in _COPY_THREAD:
                await cur.execute(sql, params)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncCursor[DictRow]]:
        async with self._cursor() as cur:
            if self.pipe:
                await self.pipe.sync()
            async with cur.connection.transaction():
                yield cur


def _freed_versions(deleted: Sequence[DictRow], kept: set[tuple[str, str]]) -> dict[str, list[str]]:
    """Return the blob versions, by channel, that deleted checkpoints used and no kept one does."""
    freed: dict[str, list[str]] = defaultdict(list)
    for row in deleted:
        versions: dict[str, Any] = row["versions"] or {}
        for channel, version in versions.items():
            if (channel, str(version)) not in kept and str(version) not in freed[channel]:
                freed[channel].append(str(version))
    return freed
