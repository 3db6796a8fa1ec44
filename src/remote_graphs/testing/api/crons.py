"""Answer the cron routes with a 404 that says crons are not emulated.

Crons are left out on purpose: a graph cannot reach them from inside (unlike
the store), so a fork's graphs run the same without them; emulating them
would need a cron-expression parser this package does not depend on (the
server validates schedules and computes ``next_run_date`` with croniter);
and a scheduler would make tests depend on the clock. A test that schedules
crons needs a real ``langgraph dev``. The status is the one a server
without these routes answers (the SDK raises ``NotFoundError``); the detail
says why, instead of a bare ``Not Found``.
"""

from __future__ import annotations

from typing import Final

from werkzeug import Response

from remote_graphs.testing.route import ApiError, Router

__all__ = ["CronRoutes"]

NOT_EMULATED: Final = (
    "Crons are not emulated by the fake Agent Server (remote_graphs.testing); "
    "test cron scheduling against a real `langgraph dev`."
)


def not_emulated() -> Response:
    """Refuse a cron request with the 404 the SDK maps to ``NotFoundError``."""
    raise ApiError(404, NOT_EMULATED)


class CronRoutes:
    """The server's cron routes, each answering :data:`NOT_EMULATED`."""

    def register(self, router: Router) -> None:
        """Add the cron routes to ``router`` (before the runs routes they would shadow)."""
        for method, path in (
            ("POST", "/runs/crons"),
            ("POST", "/runs/crons/search"),
            ("POST", "/runs/crons/count"),
            ("POST", "/threads/{tid}/runs/crons"),
            ("GET", "/runs/crons/{cid}"),
            ("PATCH", "/runs/crons/{cid}"),
            ("DELETE", "/runs/crons/{cid}"),
        ):
            router.add(method, path, not_emulated)
