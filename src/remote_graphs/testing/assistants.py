"""The assistants of a fake deployment and their versions, as the server keeps them.

The server registers one system assistant per graph, with a uuid5 id derived
from the graph id; callers may create more, patch them (each patch is a new
version) and delete them. Run bodies and ``/graph`` may name an assistant by
graph id or UUID, the other routes want a UUID; each form has its own error
status and message, reproduced here.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

from remote_graphs.testing.serde import iso_now, mapping_or_empty
from remote_graphs.testing.validation import ApiError, parse_uuid, validate

__all__ = ["NAMESPACE_GRAPH", "Assistants", "assistant_id_for", "contains", "pagination_headers"]

NAMESPACE_GRAPH: Final = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
"""Namespace of the system assistants' uuid5 ids."""

_SORTABLE: Final = ("assistant_id", "graph_id", "name", "created_at", "updated_at")
_BOTH_CONTEXTS: Final = (
    "Cannot specify both configurable and context. Prefer setting context alone. Context was "
    "introduced in LangGraph 0.6.0 and is the long term planned replacement for configurable."
)


def assistant_id_for(graph_id: str) -> str:
    """Return the system assistant id the server derives from a graph id."""
    return str(uuid.uuid5(NAMESPACE_GRAPH, graph_id))


def contains(superset: Mapping[str, Any], subset: Mapping[str, Any]) -> bool:
    """Tell whether ``superset`` holds every key and value of ``subset`` (JSONB ``@>``)."""
    for key, value in subset.items():
        if key not in superset:
            return False
        if isinstance(value, dict) and isinstance(superset[key], dict):
            if not contains(superset[key], value):
                return False
        elif superset[key] != value:
            return False
    return True


def pagination_headers(total_seen: int, offset: int, next_offset: int | None) -> dict[str, str]:
    """Return the server's ``X-Pagination-*`` headers for one page.

    The server does not count the matches: with a next page the "total" is
    the next offset plus one, without one it is the offset plus the page size.
    """
    if next_offset is None:
        return {"X-Pagination-Total": str(total_seen + offset)}
    return {"X-Pagination-Total": str(next_offset + 1), "X-Pagination-Next": str(next_offset)}


def select_fields(record: Mapping[str, Any], select: list[str] | None) -> dict[str, Any]:
    """Return a copy of ``record`` with only the ``select`` fields (all when None)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not select or k in select}


class Assistants:
    """The assistant records and versions of one deployment.

    Args:
        graph_ids: The deployment's graph ids, in registration order.
    """

    def __init__(self, graph_ids: Iterable[str]) -> None:
        self.graph_ids = list(graph_ids)
        self.records: dict[str, dict[str, Any]] = {}
        self.versions: list[dict[str, Any]] = []
        now = iso_now()
        for graph_id in self.graph_ids:
            self._insert(
                assistant_id_for(graph_id),
                graph_id=graph_id,
                config={},
                context={},
                metadata={"created_by": "system"},
                name=graph_id,
                description=None,
                now=now,
            )

    # -- lookups ------------------------------------------------------------------

    def assert_graph(self, graph_id: str) -> None:
        """Raise the server's 404 for a graph this deployment does not serve."""
        if graph_id not in self.graph_ids:
            raise ApiError(
                404, f"Graph '{graph_id}' not found. Expected one of: {sorted(self.graph_ids)}"
            )

    def for_run(self, value: Any) -> dict[str, Any]:
        """Find the assistant a run body's ``assistant_id`` names (graph id or UUID)."""
        if isinstance(value, str) and value in self.graph_ids:
            value = assistant_id_for(value)
        try:
            aid = str(uuid.UUID(str(value)))
        except ValueError:
            names = ", ".join(self.graph_ids)
            raise ApiError(
                422,
                f"Invalid assistant: '{value}'. Must be either:\n- A valid assistant UUID, or\n"
                f"- One of the registered graphs: {names}",
            ) from None
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, "Thread or assistant not found.")
        return assistant

    def get(self, value: str, *, allow_graph_id: bool = False) -> dict[str, Any]:
        """Find an assistant for the ``/assistants/{id}`` routes (a copy)."""
        if allow_graph_id and value in self.graph_ids:
            value = assistant_id_for(value)
        aid = parse_uuid(value, 422, "Invalid assistant ID: must be a UUID")
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, "Not Found")
        return copy.deepcopy(assistant)

    def existing(self, value: str, detail: str) -> str:
        """Return the id of an assistant that exists, or raise 404 with ``detail``."""
        return str(self._existing(value, detail)["assistant_id"])

    def _existing(self, value: str, detail: str) -> dict[str, Any]:
        aid = parse_uuid(value, 422, "Invalid assistant ID: must be a UUID")
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, detail.format(aid))
        return assistant

    # -- search -------------------------------------------------------------------

    def _matching(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        graph_id = body.get("graph_id")
        if graph_id is not None:
            self.assert_graph(graph_id)
        name = body.get("name")
        metadata = body.get("metadata") or {}
        return [
            a
            for a in self.records.values()
            if (not graph_id or a["graph_id"] == graph_id)
            and (not name or name.lower() in a["name"].lower())
            and (not metadata or contains(a["metadata"], metadata))
        ]

    def search(self, body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Answer ``POST /assistants/search``: the page and its pagination headers."""
        if body.get("config"):
            validate("Config", body["config"])
        items = self._matching(body)
        sort_by = (body.get("sort_by") or "").lower()
        descending = (body.get("sort_order") or "").upper() != "ASC"
        if sort_by in ("name", "graph_id"):
            items.sort(key=lambda a: str(a.get(sort_by) or "").lower(), reverse=descending)
        elif sort_by in _SORTABLE:
            items.sort(key=lambda a: a[sort_by], reverse=descending)
        else:
            items.sort(key=lambda a: a["created_at"], reverse=True)
        limit = int(body.get("limit") or 10)
        offset = int(body.get("offset") or 0)
        page = items[offset : offset + limit]
        next_offset = offset + limit if len(items) > offset + limit else None
        select = body.get("select") or None
        return [select_fields(a, select) for a in page], pagination_headers(
            len(page), offset, next_offset
        )

    def count(self, body: Mapping[str, Any]) -> int:
        """Answer ``POST /assistants/count``."""
        return len(self._matching(body))

    # -- writes -------------------------------------------------------------------

    def _insert(
        self,
        aid: str,
        *,
        graph_id: str,
        config: dict[str, Any],
        context: dict[str, Any],
        metadata: dict[str, Any],
        name: str,
        description: str | None,
        now: str,
    ) -> dict[str, Any]:
        record = {
            "assistant_id": aid,
            "graph_id": graph_id,
            "config": config,
            "context": context,
            "metadata": metadata,
            "name": name,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "description": description,
        }
        self.records[aid] = record
        self.versions.append(
            {
                "assistant_id": aid,
                "version": 1,
                "graph_id": graph_id,
                "config": copy.deepcopy(config),
                "context": copy.deepcopy(context),
                "metadata": copy.deepcopy(metadata),
                "created_at": now,
                "name": name,
                "description": description,
            }
        )
        return record

    @staticmethod
    def _config_and_context(body: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
        """Keep ``config.configurable`` and ``context`` the same, as the server does.

        Returns:
            The config (empty when not given) and the context (None when not given).
        """
        config = copy.deepcopy(mapping_or_empty(body.get("config")))
        context = copy.deepcopy(body.get("context"))
        if config.get("configurable") and context:
            raise ApiError(400, _BOTH_CONTEXTS)
        if config.get("configurable"):
            context = dict(config["configurable"])
        elif context:
            config["configurable"] = dict(context)
        return config, context

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Answer ``POST /assistants``, honouring ``if_exists``."""
        aid = (
            parse_uuid(body["assistant_id"], 422, "Invalid assistant ID: must be a UUID")
            if body.get("assistant_id")
            else str(uuid.uuid4())
        )
        if body.get("config"):
            validate("Config", body["config"])
        self.assert_graph(body["graph_id"])
        config, context = self._config_and_context(body)
        existing = self.records.get(aid)
        if existing is not None:
            if (body.get("if_exists") or "raise") == "raise":
                raise ApiError(409, f"Assistant {aid} already exists")
            return copy.deepcopy(existing)
        record = self._insert(
            aid,
            graph_id=body["graph_id"],
            config=config,
            context=context or {},
            metadata=copy.deepcopy(mapping_or_empty(body.get("metadata"))),
            name=body.get("name") or "Untitled",
            description=body.get("description"),
            now=iso_now(),
        )
        return copy.deepcopy(record)

    def patch(self, value: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Answer ``PATCH /assistants/{id}``: a new version, which becomes the latest."""
        aid = parse_uuid(value, 422, "Invalid assistant ID: must be a UUID")
        if body.get("config"):
            validate("Config", body["config"])
        if body.get("graph_id") is not None:
            self.assert_graph(body["graph_id"])
        config, context = self._config_and_context(body)
        assistant = self.records.get(aid)
        if assistant is None:
            raise ApiError(404, f"Assistant {aid} not found")
        now = iso_now()
        version = max(v["version"] for v in self.versions if v["assistant_id"] == aid) + 1
        entry = {
            "assistant_id": aid,
            "version": version,
            "graph_id": body.get("graph_id") or assistant["graph_id"],
            "config": config or assistant["config"],
            "context": context if context is not None else assistant["context"],
            "metadata": {**assistant["metadata"], **mapping_or_empty(body.get("metadata"))},
            "created_at": now,
            "name": body["name"] if body.get("name") is not None else assistant["name"],
            "description": body["description"]
            if body.get("description") is not None
            else assistant["description"],
        }
        self.versions.append(copy.deepcopy(entry))
        for key in ("graph_id", "config", "context", "metadata", "name", "description"):
            assistant[key] = copy.deepcopy(entry[key])
        assistant.update({"updated_at": now, "version": version})
        return copy.deepcopy(assistant)

    def delete(self, value: str) -> str:
        """Remove an assistant and its versions (``DELETE /assistants/{id}``)."""
        assistant = self._existing(value, "Assistant with ID {} not found")
        aid = assistant["assistant_id"]
        del self.records[aid]
        self.versions = [v for v in self.versions if v["assistant_id"] != aid]
        return str(aid)

    def list_versions(self, value: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer ``POST /assistants/{id}/versions``, newest first."""
        aid = self._existing(value, "Assistant {} not found")["assistant_id"]
        metadata = body.get("metadata") or {}
        found = [
            copy.deepcopy(v)
            for v in self.versions
            if v["assistant_id"] == aid and (not metadata or contains(v["metadata"], metadata))
        ]
        found.sort(key=lambda v: v["version"], reverse=True)
        offset = int(body.get("offset", 0))
        page = found[offset : offset + int(body.get("limit", 10))]
        if not page:
            raise ApiError(404, f"Assistant {aid} not found")
        return page

    def set_latest(self, value: str, version: Any) -> dict[str, Any]:
        """Answer ``POST /assistants/{id}/latest``: make an older version current."""
        assistant = self._existing(value, "Assistant {} not found")
        aid = assistant["assistant_id"]
        entry = next(
            (v for v in self.versions if v["assistant_id"] == aid and v["version"] == version),
            None,
        )
        if entry is None:
            raise ApiError(404, f"Version {version} not found for assistant {aid}")
        assistant.update(
            {
                "config": copy.deepcopy(entry["config"]),
                "metadata": copy.deepcopy(entry["metadata"]),
                "version": entry["version"],
                "updated_at": iso_now(),
                "name": entry["name"],
                "description": entry["description"],
            }
        )
        return copy.deepcopy(assistant)
