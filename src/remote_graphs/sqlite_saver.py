"""The served SQLite checkpointer: ``AsyncSqliteSaver`` plus the clean-up an Agent Server asks for.

An Agent Server calls ``adelete_for_runs`` to roll back a cancelled run
(``multitask_strategy="rollback"``), ``acopy_thread`` to copy a thread and
``aprune`` to keep long-lived threads from growing without bound. The stock
``AsyncSqliteSaver`` implements none of them, so the server warns at start-up
and falls back to slower or missing behaviour.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

PRUNE_STRATEGIES = ("keep_latest", "delete", "delete_all")
"""``delete_all`` is what the Agent Server's own prune requests call ``delete``."""

_METADATA = "CAST(metadata AS TEXT)"
_RUN_ID = f"json_extract({_METADATA}, '$.run_id')"
_USES_DELTA_CHANNEL = (
    f"json_type({_METADATA}, '$.counters_since_delta_snapshot') IS NOT NULL "
    f"OR json_type({_METADATA}, '$.delta_writes_versioned') IS NOT NULL"
)
_KEY = "thread_id, checkpoint_ns, checkpoint_id"
_BATCH = 500


class ServedSqliteSaver(AsyncSqliteSaver):
    """Persist threads in SQLite with every capability an Agent Server can use.

    Each operation runs in one transaction under the saver's lock, so a run in
    this process never sees half of it and a failure leaves nothing changed.
    """

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints the given runs saved, in every namespace, with their writes."""
        ids = [str(run_id) for run_id in run_ids]
        if not ids:
            return
        async with self._transaction():
            for batch in _batches(ids):
                runs = f"{_RUN_ID} IN ({_marks(batch)})"
                await self.conn.execute(
                    f"DELETE FROM writes WHERE ({_KEY}) IN "
                    f"(SELECT {_KEY} FROM checkpoints WHERE {runs})",
                    batch,
                )
                await self.conn.execute(f"DELETE FROM checkpoints WHERE {runs}", batch)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint and write of a thread, in every namespace, to another thread."""
        source, target = str(source_thread_id), str(target_thread_id)
        async with self._transaction():
            await self.conn.execute(
                "INSERT OR IGNORE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
                "parent_checkpoint_id, type, checkpoint, metadata) "
                "SELECT ?, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, "
                f"CASE WHEN json_type({_METADATA}, '$.thread_id') IS NULL THEN metadata "
                f"ELSE CAST(json_set({_METADATA}, '$.thread_id', ?) AS BLOB) END "
                "FROM checkpoints WHERE thread_id = ?",
                (target, target, source),
            )
            await self.conn.execute(
                "INSERT OR IGNORE INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, "
                "task_path, idx, channel, type, value) "
                "SELECT ?, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, "
                "value FROM writes WHERE thread_id = ?",
                (target, source),
            )

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """Prune threads: ``keep_latest`` keeps each namespace's latest checkpoint, ``delete`` all.

        ``keep_latest`` keeps the checkpoint ``aget_tuple`` loads in each
        namespace, with its pending writes, and detaches it from the parents it
        deletes. A subgraph call's namespace (``node:<task id>``) goes entirely
        once the root checkpoint it started from is saved and pruned. Threads
        that use a ``DeltaChannel`` are refused, since their latest value is
        rebuilt from older checkpoints; then nothing is pruned.

        Raises:
            TypeError: ``thread_ids`` is a single string.
            ValueError: ``strategy`` is unknown.
            NotImplementedError: ``keep_latest`` on a thread that uses a ``DeltaChannel``.
        """
        if isinstance(thread_ids, str):
            raise TypeError("thread_ids must be a sequence of thread ids, not one string")
        if strategy not in PRUNE_STRATEGIES:
            raise ValueError(
                f"unknown prune strategy {strategy!r}; use one of {', '.join(PRUNE_STRATEGIES)}"
            )
        ids = [str(thread_id) for thread_id in thread_ids]
        if not ids:
            return
        async with self._transaction():
            if strategy == "keep_latest":
                await self._refuse_delta_threads(ids)
                for thread_id in ids:
                    await self._keep_latest(thread_id)
                return
            for batch in _batches(ids):
                for table in ("writes", "checkpoints"):
                    await self.conn.execute(
                        f"DELETE FROM {table} WHERE thread_id IN ({_marks(batch)})", batch
                    )

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """Hold the lock and the database's write lock; commit on success, else roll back."""
        await self.setup()
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()

    async def _refuse_delta_threads(self, thread_ids: list[str]) -> None:
        found: set[str] = set()
        for batch in _batches(thread_ids):
            async with self.conn.execute(
                f"SELECT DISTINCT thread_id FROM checkpoints WHERE thread_id IN ({_marks(batch)}) "
                f"AND ({_USES_DELTA_CHANNEL})",
                batch,
            ) as cursor:
                found.update([row[0] async for row in cursor])
        if found:
            raise NotImplementedError(
                "keep_latest cannot prune threads that use a DeltaChannel: "
                + ", ".join(sorted(found))
            )

    async def _keep_latest(self, thread_id: str) -> None:
        heads = await self._heads(thread_id)
        root_head = heads.get("", (None, {}))[0]
        calls = [
            ns
            for ns, (_, metadata) in heads.items()
            if ":" in ns
            and (root := _root_checkpoint(metadata)) is not None
            and root != root_head
            and await self._has_checkpoint(thread_id, "", root)
        ]
        for ns in calls:
            for table in ("writes", "checkpoints"):
                await self.conn.execute(
                    f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = ?",
                    (thread_id, ns),
                )
        for ns, (head, _) in heads.items():
            if ns in calls:
                continue
            others = "thread_id = ? AND checkpoint_ns = ? AND checkpoint_id <> ?"
            await self.conn.execute(f"DELETE FROM writes WHERE {others}", (thread_id, ns, head))
            await self.conn.execute(
                f"DELETE FROM checkpoints WHERE {others}", (thread_id, ns, head)
            )
            await self.conn.execute(
                "UPDATE checkpoints SET parent_checkpoint_id = NULL "
                "WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
                (thread_id, ns, head),
            )

    async def _heads(self, thread_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Return each namespace's latest checkpoint id and metadata."""
        # SQLite takes the bare columns of a MAX() query from the row holding the maximum.
        async with self.conn.execute(
            "SELECT checkpoint_ns, MAX(checkpoint_id), metadata FROM checkpoints "
            "WHERE thread_id = ? GROUP BY checkpoint_ns",
            (thread_id,),
        ) as cursor:
            return {ns: (head, _load(metadata)) async for ns, head, metadata in cursor}

    async def _has_checkpoint(self, thread_id: str, ns: str, checkpoint_id: str) -> bool:
        async with self.conn.execute(
            "SELECT 1 FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? "
            "AND checkpoint_id = ?",
            (thread_id, ns, checkpoint_id),
        ) as cursor:
            return await cursor.fetchone() is not None


def _root_checkpoint(metadata: dict[str, Any]) -> str | None:
    parents = metadata.get("parents")
    root = parents.get("") if isinstance(parents, dict) else None
    return root if isinstance(root, str) else None


def _load(metadata: bytes | str | None) -> dict[str, Any]:
    loaded = json.loads(metadata) if metadata else {}
    return loaded if isinstance(loaded, dict) else {}


def _batches(values: list[str]) -> Iterable[list[str]]:
    """Split ``values`` so no statement passes SQLite's limit on bound parameters."""
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _marks(values: list[str]) -> str:
    return ", ".join("?" * len(values))
