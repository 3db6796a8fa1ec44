"""Read a remote run's stream: fold it into an outcome and relay its events to the parent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.types import Interrupt

from remote_graphs.messages import hydrate, to_message
from remote_graphs.recovery import settled
from remote_graphs.request import INTERRUPT, NS_SEP, Outcome, RemoteRequest


class StreamReader:
    """Fold the stream parts of one run into an ``Outcome``, relaying events to the parent."""

    def __init__(self, request: RemoteRequest) -> None:
        self.request = request
        self.outcome = Outcome()

    def feed(self, event: str, data: Any) -> None:
        """Take one SSE event."""
        mode, _, rest = event.partition(NS_SEP)
        ns = tuple(rest.split(NS_SEP)) if rest else ()
        if mode == "metadata":
            if isinstance(data, Mapping):
                self.outcome.run_id = data.get("run_id")
            return
        if mode == "error":
            self.outcome.error = data if isinstance(data, dict) else {"message": str(data)}
            return
        if not ns:
            if mode == "values" and isinstance(data, dict):
                self.outcome.values = data
            elif mode == "updates" and isinstance(data, dict) and INTERRUPT in data:
                self.outcome.interrupts = list(data[INTERRUPT] or [])
        self._relay(mode, ns, data)

    def _relay(self, mode: str, ns: tuple[str, ...], data: Any) -> None:
        stream = self.request.stream
        if stream is None or mode not in stream.modes:
            return
        if mode == "messages" and isinstance(data, list | tuple) and len(data) == 2:
            meta = dict(data[1]) if isinstance(data[1], Mapping) else {}
            meta["remote"] = self.request.name
            payload: Any = (to_message(data[0]), meta)
        elif mode == "updates" and isinstance(data, Mapping):
            payload = {
                k: [Interrupt(**i) for i in v] if k == INTERRUPT else hydrate(v)
                for k, v in data.items()
            }
        elif mode == "values":
            payload = hydrate(data)
        else:
            payload = data
        stream((self.request.caller_ns + ns, mode, payload))

    def unconfirmed(self) -> str | None:
        """Return the run id when only the thread's state can tell the run really finished.

        A cancelled run's stream just closes, after the state of its last
        finished step, and a rejoined stream looks the same; so a thread run
        that ended without an error or an interrupt is confirmed from its state.
        """
        out = self.outcome
        if self.request.thread_id and out.run_id and out.error is None and not out.interrupts:
            return out.run_id
        return None

    def confirm(self, run_id: str, state: Mapping[str, Any]) -> None:
        """Take the run's result from the thread's state, or record that it did not land."""
        done = settled(run_id, state)
        if done is None:
            self.outcome.error = {
                "error": "IncompleteRun",
                "message": "the remote run stopped before its final step was saved",
                "transient": True,
            }
        else:
            self.outcome.values = done.values

    def finish(self) -> Outcome:
        """Return the outcome, or raise ``RemoteRunError`` for a failed or cut-short run."""
        out, req = self.outcome, self.request
        if out.error is not None:
            err = req.failure(
                str(out.error.get("error", "RemoteError")),
                str(out.error.get("message", "")),
                out.run_id,
            )
            err.transient = out.error.get("transient") is True
            raise err
        if out.values is None and not out.interrupts:
            err = req.failure(
                "IncompleteStream", "the stream ended before the run's final values", out.run_id
            )
            err.transient = True
            raise err
        return out
