"""Serve the ``/threads`` routes that are not about runs: threads, search, state, history."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug import Request, Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.ops import Deployment
from remote_graphs.testing.route import ApiError, Router, empty_response, json_response
from remote_graphs.testing.sse import thread_stream_response
from remote_graphs.testing.validation import THREAD_FIELDS, check_extract, parse_uuid

__all__ = ["ThreadRoutes"]

_STREAM_ID = re.compile(r"^\d+(-(\d+|\*))?$")


def _flag(query: MultiDict[str, str], name: str) -> bool:
    """Read a boolean query parameter the way the server does (``true``/``True``)."""
    return query.get(name) in ("true", "True")


class ThreadRoutes:
    """Handlers of ``/threads``, ``/threads/{id}``, its state and history.

    Args:
        deployment: The deployment whose threads are served.
        heartbeat_interval: Returns the seconds between keep-alives of a
            thread stream, read when it starts.
    """

    def __init__(self, deployment: Deployment, heartbeat_interval: Callable[[], float]) -> None:
        self._deployment = deployment
        self._heartbeat_interval = heartbeat_interval

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("POST", "/threads", self.create, body="ThreadCreate")
        router.add("POST", "/threads/search", self.search, body="ThreadSearchRequest")
        router.add("POST", "/threads/count", self.count, body="ThreadCountRequest")
        router.add("POST", "/threads/prune", self.prune, body="ThreadPruneRequest")
        router.add("GET", "/threads/{tid}", self.get)
        router.add("PATCH", "/threads/{tid}", self.patch, body="ThreadPatch")
        router.add("DELETE", "/threads/{tid}", self.delete)
        router.add("GET", "/threads/{tid}/state", self.get_state)
        router.add("POST", "/threads/{tid}/state", self.update_state, body="ThreadStateUpdate")
        router.add("POST", "/threads/{tid}/history", self.history, body="ThreadStateSearch")
        router.add("POST", "/threads/{tid}/copy", self.copy)
        router.add("GET", "/threads/{tid}/state/{cid}", self.get_state_by_id)
        router.add(
            "POST",
            "/threads/{tid}/state/checkpoint",
            self.get_state_at,
            body="ThreadStateCheckpointRequest",
        )
        router.add("GET", "/threads/{tid}/stream", self.join_stream)

    def join_stream(
        self, tid: str, query: MultiDict[str, str], headers: Mapping[str, str], request: Request
    ) -> Response:
        """``GET /threads/{id}/stream``: every run's events on the thread, until the client leaves.

        The server reads ``stream_modes`` (the SDK sends ``stream_mode``, which
        it ignores), so by default every run event passes.
        """
        thread_id = parse_uuid(tid, 422, "Invalid thread ID: must be a UUID")
        last_id = headers.get("last-event-id") or None
        if last_id and last_id != "-" and not _STREAM_ID.match(last_id):
            raise ApiError(422, "Invalid last-event-id: must be a valid Redis stream ID")
        raw = query.get("stream_modes")
        modes = [m.strip() for m in raw.split(",")] if raw else ["run_modes"]
        for mode in modes:
            if mode not in ("lifecycle", "run_modes", "state_update"):
                raise ApiError(422, f"Invalid stream mode: {mode}")
        channel = self._deployment.channel
        live = channel.watch(thread_id)
        replayed = self._deployment.replayed(thread_id, last_id) if last_id else []
        return thread_stream_response(
            request,
            replayed,
            live,
            modes=modes,
            heartbeat_interval=self._heartbeat_interval(),
            on_close=lambda: channel.unwatch(thread_id, live),
        )

    def create(self, body: dict[str, Any]) -> Response:
        """``POST /threads``."""
        return json_response(self._deployment.create_thread(body))

    def search(self, body: dict[str, Any]) -> Response:
        """``POST /threads/search``: filter, sort, select, extract and page the threads."""
        if body.get("extract"):
            check_extract(body["extract"], THREAD_FIELDS)
        page, headers = self._deployment.search_threads(body)
        return json_response(page, headers=headers)

    def count(self, body: dict[str, Any]) -> Response:
        """``POST /threads/count``."""
        return json_response(self._deployment.count_threads(body))

    def prune(self, body: dict[str, Any]) -> Response:
        """``POST /threads/prune``."""
        return json_response(self._deployment.prune_threads(body))

    def get(self, tid: str) -> Response:
        """``GET /threads/{id}``."""
        return json_response(self._deployment.get_thread(tid))

    def patch(self, tid: str, body: dict[str, Any], headers: Mapping[str, str]) -> Response:
        """``PATCH /threads/{id}``: merge metadata (no body with ``Prefer: return=minimal``)."""
        thread = self._deployment.patch_thread(tid, body)
        if headers.get("prefer") == "return=minimal":
            return empty_response(204)
        return json_response(thread)

    def delete(self, tid: str) -> Response:
        """``DELETE /threads/{id}``."""
        self._deployment.delete_thread(tid)
        return empty_response(204)

    def copy(self, tid: str) -> Response:
        """``POST /threads/{id}/copy``."""
        return json_response(self._deployment.copy_thread(tid))

    def get_state(self, tid: str, query: MultiDict[str, str]) -> Response:
        """``GET /threads/{id}/state``: the latest ThreadState."""
        return json_response(self._deployment.get_state(tid, subgraphs=_flag(query, "subgraphs")))

    def get_state_at(self, tid: str, body: dict[str, Any]) -> Response:
        """``POST /threads/{id}/state/checkpoint``: the ThreadState at a checkpoint."""
        return json_response(
            self._deployment.get_state(tid, body["checkpoint"], bool(body.get("subgraphs")))
        )

    def get_state_by_id(self, tid: str, cid: str, query: MultiDict[str, str]) -> Response:
        """``GET /threads/{id}/state/{checkpoint_id}`` (its checkpoint has no ``checkpoint_ns``)."""
        state = self._deployment.get_state(
            tid, {"checkpoint_id": cid}, subgraphs=_flag(query, "subgraphs")
        )
        return json_response(state)

    def update_state(self, tid: str, body: dict[str, Any]) -> Response:
        """``POST /threads/{id}/state``: write a checkpoint."""
        return json_response(self._deployment.update_state(tid, body))

    def history(self, tid: str, body: dict[str, Any]) -> Response:
        """``POST /threads/{id}/history``: past checkpoints, newest first."""
        return json_response(self._deployment.get_history(tid, body))
