"""The HTTP errors the fake answers with, shaped like the server's."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ApiError"]


class ApiError(Exception):
    """An error answered as ``{"detail": ...}`` with an HTTP status.

    Raising it anywhere inside a route handler turns into the same JSON error
    response the real server sends, so the SDK raises the same typed exception.
    """

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
