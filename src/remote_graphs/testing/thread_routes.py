"""Serve the ``/threads`` routes that are not about runs: threads, state, history."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug import Request, Response

from remote_graphs.testing.deployment import Deployment
from remote_graphs.testing.faults import Fault
from remote_graphs.testing.responses import json_response
from remote_graphs.testing.router import Router
from remote_graphs.testing.validation import json_body

__all__ = ["ThreadRoutes"]


class ThreadRoutes:
    """Handlers of ``/threads``, ``/threads/{id}``, its state and history.

    Args:
        deployment: The deployment whose threads are served.
    """

    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment

    def register(self, router: Router) -> None:
        """Add this resource's routes to ``router``."""
        router.add("POST", "/threads", self.create)
        router.add("GET", "/threads/{tid}", self.get)
        router.add("GET", "/threads/{tid}/state", self.get_state)
        router.add("POST", "/threads/{tid}/state", self.update_state)
        router.add("POST", "/threads/{tid}/state/checkpoint", self.get_state_at)
        router.add("GET", "/threads/{tid}/state/{cid}", self.get_state_by_id)
        router.add("POST", "/threads/{tid}/history", self.history)

    def create(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``POST /threads``."""
        body = json_body(request, required=False, schema="ThreadCreate")
        return json_response(self._deployment.create_thread(body))

    def get(self, request: Request, params: dict[str, str], faults: Sequence[Fault]) -> Response:
        """``GET /threads/{id}``."""
        return json_response(self._deployment.get_thread(params["tid"]))

    def get_state(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``GET /threads/{id}/state``: the latest ThreadState."""
        subgraphs = request.args.get("subgraphs", "false").lower() in ("true", "1")
        return json_response(self._deployment.get_state(params["tid"], subgraphs=subgraphs))

    def get_state_at(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``POST /threads/{id}/state/checkpoint``: the ThreadState at a checkpoint."""
        body = json_body(request, schema="ThreadStateCheckpointRequest")
        checkpoint = body.get("checkpoint") if isinstance(body.get("checkpoint"), dict) else {}
        return json_response(
            self._deployment.get_state(params["tid"], checkpoint, bool(body.get("subgraphs")))
        )

    def get_state_by_id(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``GET /threads/{id}/state/{checkpoint_id}`` (its checkpoint has no ``checkpoint_ns``)."""
        state = self._deployment.get_state(params["tid"], {"checkpoint_id": params["cid"]})
        if isinstance(state.get("checkpoint"), dict):
            state["checkpoint"].pop("checkpoint_ns", None)
        return json_response(state)

    def update_state(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``POST /threads/{id}/state``: write a checkpoint."""
        body = json_body(request, schema="ThreadStateUpdate")
        return json_response(self._deployment.update_state(params["tid"], body))

    def history(
        self, request: Request, params: dict[str, str], faults: Sequence[Fault]
    ) -> Response:
        """``POST /threads/{id}/history``: past checkpoints, newest first."""
        body = json_body(request, required=False, schema="ThreadStateSearch")
        return json_response(self._deployment.get_history(params["tid"], body))
