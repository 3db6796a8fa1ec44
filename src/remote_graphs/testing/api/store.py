"""Serve the ``/store`` routes (put, get, delete, search, namespaces), as ``langgraph_api`` does.

The store is emulated rather than left out because a fork's graph may use it
(``get_store()`` in a node): the real server hands every run its store, so a
graph that writes memories must work on the fake too, and a test must be
able to read them back through ``client.store``. Items live in one
in-memory store per fake deployment, shared by its runs and these routes;
there is no vector index (a ``query`` ranks nothing, as on a server without
``store.index`` configured).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.store.base import BaseStore
from werkzeug import Response
from werkzeug.datastructures import MultiDict

from remote_graphs.testing.route import Router, empty_response, json_response

__all__ = ["StoreRoutes"]


def _namespace_error(namespace: Sequence[Any]) -> Response | None:
    """Return the server's plain-text 422 for a bad namespace, None when it is fine."""
    if not isinstance(namespace, list | tuple):
        return _rejected("Namespace must be a list of labels")
    for label in namespace:
        if not isinstance(label, str) or not label or "." in label:
            return _rejected(
                f"Namespace label {label!r} must be a non-empty string without periods"
            )
    return None


def _rejected(detail: str) -> Response:
    """Return a 422 whose body is the bare message, without a content type, as the server's."""
    response = Response(detail, status=422)
    del response.headers["Content-Type"]
    return response


class StoreRoutes:
    """Handlers of ``/store/items``, ``/store/items/search`` and ``/store/namespaces``.

    Args:
        store: The deployment's store, the one its graphs are compiled with.
    """

    def __init__(self, store: BaseStore) -> None:
        self._store = store

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("PUT", "/store/items", self.put, body="StorePutRequest")
        router.add("GET", "/store/items", self.get)
        router.add("DELETE", "/store/items", self.delete, body="StoreDeleteRequest")
        router.add("POST", "/store/items/search", self.search, body="StoreSearchRequest")
        router.add("POST", "/store/namespaces", self.namespaces, body="StoreListNamespacesRequest")

    def put(self, body: dict[str, Any]) -> Response:
        """``PUT /store/items``: store or replace an item (an empty namespace is a 400)."""
        namespace = tuple(body["namespace"]) if body.get("namespace") else ()
        if error := _namespace_error(namespace):
            return error
        self._store.put(
            namespace, body["key"], body["value"], index=body.get("index"), ttl=body.get("ttl")
        )
        return empty_response(204)

    def get(self, query: MultiDict[str, str]) -> Response:
        """``GET /store/items?namespace=a.b&key=k``: the item, or ``null``."""
        namespace = tuple(query.get("namespace", "").split("."))
        if error := _namespace_error(namespace):
            return error
        key = query.get("key")
        if not key:
            return json_response({"error": "Key is required"}, 400)
        refresh = query.get("refresh_ttl")
        item = self._store.get(
            namespace, key, refresh_ttl=refresh.lower() == "true" if refresh is not None else None
        )
        return json_response(item.dict() if item is not None else None)

    def delete(self, body: dict[str, Any]) -> Response:
        """``DELETE /store/items``: delete an item (deleting a missing one is no error)."""
        namespace = tuple(body["namespace"]) if body.get("namespace") else ()
        if error := _namespace_error(namespace):
            return error
        self._store.delete(namespace, body["key"])
        return empty_response(204)

    def search(self, body: dict[str, Any]) -> Response:
        """``POST /store/items/search``: items under a prefix, newest first, filtered and paged.

        Like the server, a body without ``namespace_prefix`` fails unexpectedly (500).
        """
        prefix = tuple(body["namespace_prefix"])
        if error := _namespace_error(prefix):
            return error
        items = self._store.search(
            prefix,
            filter=body.get("filter"),
            limit=int(body.get("limit") or 10),
            offset=int(body.get("offset") or 0),
            query=body.get("query"),
            refresh_ttl=body.get("refresh_ttl"),
        )
        return json_response({"items": [item.dict() for item in items]})

    def namespaces(self, body: dict[str, Any]) -> Response:
        """``POST /store/namespaces``: the namespaces, by prefix, suffix and depth."""
        prefix = tuple(body["prefix"]) if body.get("prefix") else None
        suffix = tuple(body["suffix"]) if body.get("suffix") else None
        for part in (prefix, suffix):
            if part is not None and (error := _namespace_error(part)):
                return error
        found = self._store.list_namespaces(
            prefix=prefix,
            suffix=suffix,
            max_depth=body.get("max_depth"),
            limit=body.get("limit", 100),
            offset=body.get("offset", 0),
        )
        return json_response({"namespaces": [list(ns) for ns in found]})
