"""Write checkpoint metadata the way the Agent Server's checkpointer does.

langgraph copies only primitive config values into checkpoint metadata and
leaves out the per-task keys (``langgraph_node``, ``checkpoint_ns``...). The
server's own checkpointer first merges the run's whole ``configurable`` and
config ``metadata`` into it (minus ids and per-request keys), so callers see
nested metadata they sent and, on subgraph checkpoints, the task keys.
:class:`ServerCheckpointer` wraps any saver to do the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Final

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.memory import InMemorySaver

__all__ = ["ServerCheckpointer", "copy_thread", "delete_run_checkpoints", "server_metadata"]

_EXCLUDED_CONFIGURABLE: Final = frozenset({"checkpoint_ns", "checkpoint_id", "run_id", "thread_id"})
_PER_REQUEST: Final = frozenset(
    {
        "langgraph_request_id",
        "langgraph_auth_user",
        "langgraph_auth_user_id",
        "langgraph_auth_permissions",
    }
)


def server_metadata(config: RunnableConfig, metadata: CheckpointMetadata) -> CheckpointMetadata:
    """Return ``metadata`` with the run's configurable and config metadata merged in."""
    configurable = config.get("configurable") or {}
    merged: dict[str, Any] = {
        k: v
        for k, v in configurable.items()
        if not k.startswith("__") and k not in _EXCLUDED_CONFIGURABLE and k not in _PER_REQUEST
    }
    for source in (config.get("metadata") or {}, metadata):
        merged.update({k: v for k, v in source.items() if k not in _PER_REQUEST})
    return merged  # type: ignore[return-value]


async def copy_thread(saver: BaseCheckpointSaver[Any], source: str, target: str) -> None:
    """Copy every checkpoint and pending write of one thread to another.

    ``InMemorySaver`` has no ``copy_thread``; this uses only the saver API, so
    it works for any saver. Metadata naming the old thread names the new one.
    """
    tuples = [t async for t in saver.alist({"configurable": {"thread_id": source}})]
    for item in reversed(tuples):
        conf = item.config["configurable"]
        parent = (item.parent_config or {}).get("configurable", {}).get("checkpoint_id")
        metadata: dict[str, Any] = dict(item.metadata)
        if metadata.get("thread_id") == source:
            metadata["thread_id"] = target
        where: dict[str, Any] = {"thread_id": target, "checkpoint_ns": conf["checkpoint_ns"]}
        if parent:
            where["checkpoint_id"] = parent
        checkpoint = item.checkpoint
        versions = {
            k: v
            for k, v in checkpoint["channel_versions"].items()
            if k in checkpoint["channel_values"]
        }
        written = await saver.aput(
            {"configurable": where},
            checkpoint,
            metadata,  # type: ignore[arg-type]
            versions,
        )
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for task_id, channel, value in item.pending_writes or []:
            by_task.setdefault(task_id, []).append((channel, value))
        for task_id, writes in by_task.items():
            await saver.aput_writes(written, writes, task_id)


async def delete_run_checkpoints(
    saver: BaseCheckpointSaver[Any], thread_id: str, run_id: str
) -> None:
    """Delete the checkpoints one run wrote (a deleted or rolled-back run).

    ``InMemorySaver`` has no ``delete_for_runs``; like the server's in-memory
    runtime, its checkpoints whose metadata names the run are removed directly.
    """
    try:
        await saver.adelete_for_runs([run_id])
        return
    except NotImplementedError:
        if not isinstance(saver, InMemorySaver):
            return
    for namespace, checkpoints in list(saver.storage.get(thread_id, {}).items()):
        for checkpoint_id, (_, metadata, _) in list(checkpoints.items()):
            if saver.serde.loads_typed(metadata).get("run_id") == run_id:
                del checkpoints[checkpoint_id]
        if not checkpoints:
            del saver.storage[thread_id][namespace]


class ServerCheckpointer(BaseCheckpointSaver[Any]):
    """Delegate to a saver, rewriting the metadata of every checkpoint it puts.

    Args:
        inner: The saver that stores the checkpoints.
    """

    def __init__(self, inner: BaseCheckpointSaver[Any]) -> None:
        super().__init__(serde=inner.serde)
        self.inner = inner

    @property
    def config_specs(self) -> list[Any]:
        """Return the inner saver's config specs."""
        return self.inner.config_specs

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read one checkpoint."""
        return self.inner.get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """List checkpoints, newest first."""
        return self.inner.list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Store a checkpoint with the server's metadata."""
        return self.inner.put(config, checkpoint, server_metadata(config, metadata), new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Store a task's pending writes."""
        self.inner.put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints."""
        self.inner.delete_thread(thread_id)

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints written by some runs."""
        self.inner.delete_for_runs(run_ids)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy a thread's checkpoints to another thread."""
        self.inner.copy_thread(source_thread_id, target_thread_id)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read one checkpoint."""
        return await self.inner.aget_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """List checkpoints, newest first."""
        async for item in self.inner.alist(config, filter=filter, before=before, limit=limit):
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Store a checkpoint with the server's metadata."""
        return await self.inner.aput(
            config, checkpoint, server_metadata(config, metadata), new_versions
        )

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Store a task's pending writes."""
        await self.inner.aput_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints."""
        await self.inner.adelete_thread(thread_id)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints written by some runs."""
        await self.inner.adelete_for_runs(run_ids)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy a thread's checkpoints to another thread."""
        await self.inner.acopy_thread(source_thread_id, target_thread_id)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, Any]:
        """Walk a checkpoint's ancestors for delta channels."""
        return self.inner.get_delta_channel_history(config=config, channels=channels)

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, Any]:
        """Walk a checkpoint's ancestors for delta channels."""
        return await self.inner.aget_delta_channel_history(config=config, channels=channels)

    def get_next_version(self, current: Any, channel: None) -> Any:
        """Use the inner saver's channel versions."""
        return self.inner.get_next_version(current, channel)

    def with_allowlist(self, extra_allowlist: Any) -> ServerCheckpointer:
        """Wrap the inner saver's copy with a wider msgpack allowlist."""
        inner = self.inner.with_allowlist(extra_allowlist)
        return self if inner is self.inner else ServerCheckpointer(inner)
