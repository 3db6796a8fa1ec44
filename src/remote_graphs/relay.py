"""Read a remote run's stream: open it, fold it into an outcome, relay its events to the parent.

The stream is opened on the SDK client's own HTTP connection pool and read with
the SDK's SSE decoder, but not through ``runs.stream``: that call asks the
server for the run once more after every thread stream (the server sends no
end event), and rejoins cut streams itself. Here the run's own last checkpoint
confirms it, and a cut stream is recovered by the retry that follows (it finds
and joins the same run), so the happy path is one request.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

import httpx
import orjson
from langgraph.types import Interrupt, _interrupt_id  # the id a task's next interrupt gets
from langgraph_sdk._shared.utilities import _orjson_default  # the SDK's own JSON encoding
from langgraph_sdk.sse import SSEDecoder, aiter_lines_raw, iter_lines_raw

from remote_graphs import state as state_api
from remote_graphs.messages import hydrate, to_message
from remote_graphs.request import INTERRUPT, NS_SEP, Outcome, RemoteRequest


class StreamReader:
    """Fold the stream parts of one run into an ``Outcome``, relaying events to the parent."""

    def __init__(self, request: RemoteRequest) -> None:
        self.request = request
        self.run_id: str | None = None
        self.values: dict[str, Any] | None = None
        self.interrupts: list[dict[str, Any]] = []
        self.error: dict[str, Any] | None = None
        self.checkpoint: Mapping[str, Any] | None = None
        """The last root checkpoint the run streamed."""
        self.relayed_checkpoint = False
        """Whether a checkpoint event of this run was relayed yet."""

    def feed(self, event: str, data: Any) -> None:
        """Take one SSE event."""
        mode, _, rest = event.partition(NS_SEP)
        ns = tuple(rest.split(NS_SEP)) if rest else ()
        if mode == "metadata":
            if isinstance(data, Mapping):
                self.run_id = data.get("run_id")
            return
        if mode == "error":
            self.error = data if isinstance(data, dict) else {"message": str(data)}
            return
        if not ns and isinstance(data, dict):
            if mode == "values":
                # langgraph adds the pending interrupts to the last values event;
                # a server may also send them alone, as a values event of their own
                self.interrupts = list(data.get(INTERRUPT) or [])
                state = {k: v for k, v in data.items() if k != INTERRUPT}
                if state or INTERRUPT not in data:
                    self.values = state
            elif mode == "checkpoints":
                self.checkpoint = data
        self._relay(mode, ns, data)

    def _relay(self, mode: str, ns: tuple[str, ...], data: Any) -> None:
        stream = self.request.parent.stream
        if stream is None or mode not in stream.modes:
            return
        if mode == "debug" and isinstance(data, Mapping) and data.get("type") == "checkpoint":
            # An Agent Server takes every debug checkpoint a run streams, whatever
            # its namespace, as the thread's own: relayed, the remote's would
            # replace the parent thread's values and interrupts with the child's.
            return
        stream((self.request.parent.caller_ns + ns, mode, self._as_local(mode, data)))

    def _as_local(self, mode: str, data: Any) -> Any:
        """Return an event's payload as a local subgraph's event of that mode holds it.

        Messages become objects and interrupts ``Interrupt``s carrying the id the
        parent resumes them by; checkpoint configs reach the remote checkpoint
        through the parent's thread and the task's namespace, as a local child's
        reach its checkpoint; the server's run metadata, which a local child's
        task events lack, is dropped.
        """
        if mode == "messages" and isinstance(data, list | tuple) and len(data) == 2:
            message = to_message(data[0])
            for seen in self.request.parent.streamed:
                seen.add(getattr(message, "id", None))
            return (message, self._message_meta(data[1]))
        if not isinstance(data, Mapping):
            return data
        if mode == "values":
            values = hydrate({k: v for k, v in data.items() if k != INTERRUPT})
            if data.get(INTERRUPT):
                values[INTERRUPT] = self._interrupts(data[INTERRUPT], as_objects=True)
            return values
        if mode == "updates":
            return {
                k: self._interrupts(v, as_objects=True) if k == INTERRUPT else hydrate(v)
                for k, v in data.items()
            }
        if mode == "tasks":
            return self._task(data)
        if mode == "debug" and isinstance(data.get("payload"), Mapping):
            return {**data, "payload": self._task(data["payload"])}
        if mode == "checkpoints":
            return self._checkpoint(data)
        return data

    def _task(self, task: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in task.items() if k != "metadata"}
        for key in ("input", "result"):
            if key in out:
                out[key] = hydrate(out[key])
        if isinstance(out.get("interrupts"), list):
            out["interrupts"] = self._interrupts(out["interrupts"], as_objects=False)
        return out

    def _checkpoint(self, event: Mapping[str, Any]) -> dict[str, Any]:
        # A resume starts by showing the checkpoint it resumes: its questions are
        # the ones this run answers, asked one answer earlier.
        asked = (
            self.request.step - 1 if self.request.command and not self.relayed_checkpoint else None
        )
        self.relayed_checkpoint = True
        out = dict(event)
        for key in ("config", "parent_config"):
            if isinstance(out.get(key), Mapping):
                out[key] = self._address(out[key])
        if isinstance(out.get("values"), Mapping):
            out["values"] = hydrate(out["values"])
        tasks = out.get("tasks")
        if isinstance(tasks, list):
            out["tasks"] = [
                {
                    **t,
                    "interrupts": self._interrupts(
                        t.get("interrupts") or [], as_objects=False, step=asked
                    ),
                    "state": self._address(t["state"])
                    if isinstance(t.get("state"), Mapping)
                    else t.get("state"),
                }
                if isinstance(t, Mapping)
                else t
                for t in tasks
            ]
        return out

    def _address(self, config: Mapping[str, Any]) -> Any:
        """Return the config reaching a remote checkpoint through the parent (stateless: as is)."""
        thread = self.request.thread_id
        checkpoint = (config.get("configurable") or {}).get("checkpoint_id")
        if thread is None:
            return dict(config)
        parent = self.request.parent
        conf = {"thread_id": parent.thread_id, "checkpoint_ns": parent.namespace}
        return state_api.address({"configurable": conf}, thread, checkpoint)

    def _interrupts(self, items: Any, *, as_objects: bool, step: int | None = None) -> Any:
        """Give each relayed interrupt the id of the parent's interrupt that asks it.

        The parent asks with one ``interrupt()`` per remote stop, whose id
        langgraph derives from the task and the answers it holds (``step``).
        """
        if not isinstance(items, list):
            return items
        answered = self.request.step if step is None else max(step, 0)
        ask_id = _interrupt_id(self.request.parent.namespace, answered)
        out: list[Any] = []
        for item in items:
            if not isinstance(item, Mapping):
                out.append(item)
                continue
            fields = {**item, "id": ask_id}
            out.append(Interrupt(**fields) if as_objects else fields)
        return out

    def _message_meta(self, meta: Any) -> dict[str, Any]:
        out = dict(meta) if isinstance(meta, Mapping) else {}
        out["remote"] = self.request.remote
        inner = out.get("langgraph_checkpoint_ns")
        if isinstance(inner, str) and self.request.parent.namespace:
            # under the parent's task, as a local child's messages are
            out["langgraph_checkpoint_ns"] = NS_SEP.join(
                n for n in (self.request.parent.namespace, inner) if n
            )
        return out

    def landed(self) -> bool:
        """Tell whether the stream itself shows the run's work saved on the remote thread.

        A finished run's last checkpoint has nothing left to run; a run that
        stopped at an interrupt reports it in its last values. A cancelled run's
        stream just closes after an earlier step, and a rejoined stream can end
        early, so anything else must be confirmed from the thread's state.
        """
        if self.interrupts:
            return True
        return self.checkpoint is not None and not self.checkpoint.get("next")

    def outcome(self) -> Outcome:
        """Return the outcome, or raise ``RemoteRunError`` for a failed or cut-short run."""
        req = self.request
        if self.error is not None:
            err = req.failure(
                str(self.error.get("error", "RemoteError")),
                str(self.error.get("message", "")),
                self.run_id,
            )
            err.transient = self.error.get("transient") is True
            raise err
        if self.values is None and not self.interrupts:
            err = req.failure(
                "IncompleteStream", "the stream ended before the run's final values", self.run_id
            )
            err.transient = True
            raise err
        return Outcome(
            run_id=self.run_id,
            values=self.values,
            interrupts=self.interrupts,
            checkpoint_id=checkpoint_id_of(self.checkpoint),
        )


def checkpoint_id_of(checkpoint: Mapping[str, Any] | None) -> str | None:
    """Return the checkpoint id of a checkpoint event or a thread state (None if absent)."""
    if not checkpoint:
        return None
    config = checkpoint.get("config") or {}
    found = (config.get("configurable") or {}).get("checkpoint_id")
    if found is None:
        found = (checkpoint.get("checkpoint") or {}).get("checkpoint_id")
    return str(found) if found else None


OnCreated = Callable[[Mapping[str, Any]], None]
"""Called with ``{"run_id", "thread_id"}`` as soon as the server has created the run."""
_CREATED = re.compile(r"(/threads/(?P<thread_id>[^/]+))?/runs/(?P<run_id>[^/]+)")
_STREAM_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "text/event-stream",
    "Cache-Control": "no-store",
}


def _open(request: RemoteRequest) -> tuple[str, bytes, dict[str, str]]:
    path = f"/threads/{request.thread_id}/runs/stream" if request.thread_id else "/runs/stream"
    body = orjson.dumps(
        request.payload(),
        default=_orjson_default,
        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS,
    )
    return path, body, {**_STREAM_HEADERS, **request.headers}


def _created(response: httpx.Response, on_created: OnCreated) -> None:
    match = _CREATED.search(response.headers.get("content-location", ""))
    if match:
        on_created({"run_id": match["run_id"], "thread_id": match["thread_id"]})


def stream_run(
    client: httpx.Client, request: RemoteRequest, on_created: OnCreated
) -> Iterator[tuple[str, Any]]:
    """Start the run and yield its SSE events as ``(event, data)``."""
    path, body, headers = _open(request)
    with client.stream("POST", path, content=body, headers=headers) as response:
        if response.status_code >= 400:
            response.read()
            response.raise_for_status()
        _created(response, on_created)
        decoder = SSEDecoder()
        for line in iter_lines_raw(response):
            if (part := decoder.decode(bytes(line).rstrip(b"\n"))) is not None and part.event:
                yield part.event, part.data
        if (part := decoder.decode(b"")) is not None and part.event:
            yield part.event, part.data


async def astream_run(
    client: httpx.AsyncClient, request: RemoteRequest, on_created: OnCreated
) -> AsyncIterator[tuple[str, Any]]:
    """Async ``stream_run``."""
    path, body, headers = _open(request)
    async with client.stream("POST", path, content=body, headers=headers) as response:
        if response.status_code >= 400:
            await response.aread()
            response.raise_for_status()
        _created(response, on_created)
        decoder = SSEDecoder()
        async for line in aiter_lines_raw(response):
            if (part := decoder.decode(bytes(line).rstrip(b"\n"))) is not None and part.event:
                yield part.event, part.data
        if (part := decoder.decode(b"")) is not None and part.event:
            yield part.event, part.data
