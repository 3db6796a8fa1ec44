"""The system assistants of a fake deployment, and how requests find them.

The server registers one assistant per graph, with a uuid5 id derived from
the graph id. Run bodies may name an assistant by graph id or UUID, while
the ``/assistants/{id}`` routes want a UUID (``/graph`` also takes a graph
id); each form has its own error status and message, reproduced here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

from remote_graphs.testing.errors import ApiError
from remote_graphs.testing.validation import parse_uuid
from remote_graphs.testing.wire import iso_now

__all__ = ["NAMESPACE_GRAPH", "Assistants", "assistant_id_for"]

NAMESPACE_GRAPH: Final = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
"""Namespace of the system assistants' uuid5 ids."""


def assistant_id_for(graph_id: str) -> str:
    """Return the system assistant id the server derives from a graph id."""
    return str(uuid.uuid5(NAMESPACE_GRAPH, graph_id))


def _system_assistant(graph_id: str, now: str) -> dict[str, Any]:
    """Return the assistant record the server creates for a graph at startup."""
    return {
        "assistant_id": assistant_id_for(graph_id),
        "graph_id": graph_id,
        "config": {},
        "context": {},
        "metadata": {"created_by": "system"},
        "name": graph_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "description": None,
    }


class Assistants:
    """The assistant records of one deployment, keyed by assistant id.

    Args:
        graph_ids: The deployment's graph ids, in registration order.
    """

    def __init__(self, graph_ids: Iterable[str]) -> None:
        self._graph_ids = list(graph_ids)
        now = iso_now()
        self.records: dict[str, dict[str, Any]] = {
            assistant_id_for(gid): _system_assistant(gid, now) for gid in self._graph_ids
        }

    def for_run(self, value: Any) -> dict[str, Any]:
        """Find the assistant for a run body's ``assistant_id`` (graph id or UUID)."""
        if isinstance(value, str) and value in self._graph_ids:
            return self.records[assistant_id_for(value)]
        try:
            aid = str(uuid.UUID(str(value)))
        except ValueError:
            names = ", ".join(self._graph_ids)
            raise ApiError(
                422,
                f"Invalid assistant: '{value}'. Must be either:\n- A valid assistant UUID, or\n"
                f"- One of the registered graphs: {names}",
            ) from None
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, "Thread or assistant not found.")
        return assistant

    def by_path_id(self, value: str, *, allow_name: bool = False) -> dict[str, Any]:
        """Find an assistant for the ``/assistants/{id}`` routes."""
        if allow_name and value in self._graph_ids:
            return self.records[assistant_id_for(value)]
        aid = parse_uuid(value, 422, "Invalid assistant ID: must be a UUID")
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, "Not Found")
        return assistant

    def search(self, body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Answer ``POST /assistants/search``.

        Returns:
            The page of assistants (newest first) and the pagination headers.
        """
        items = list(self.records.values())
        if isinstance(body.get("graph_id"), str):
            items = [a for a in items if a["graph_id"] == body["graph_id"]]
        if isinstance(body.get("name"), str):
            items = [a for a in items if body["name"] in a["name"]]
        if isinstance(body.get("metadata"), dict):
            items = [
                a
                for a in items
                if all(a["metadata"].get(k) == v for k, v in body["metadata"].items())
            ]
        items.reverse()  # newest first, like the server (graphs register in order)
        limit = int(body.get("limit", 10))
        offset = int(body.get("offset", 0))
        page = items[offset : offset + limit]
        headers = {"x-pagination-total": str(len(items))}
        if offset + limit < len(items):
            headers["x-pagination-next"] = str(offset + limit)
        return page, headers
