"""Exceptions raised by remote composition, each naming what went wrong and how to fix it."""

from __future__ import annotations


class RemoteGraphsError(Exception):
    """Base class for every error this package raises on purpose.

    Each concrete error also derives from a builtin that the Agent Server passes
    through with its message (``ValueError``, ``RuntimeError``); for any other
    exception a served graph's callers see only "An internal error occurred",
    which would lose the explanation at every hop.
    """


class ConfigError(RemoteGraphsError, ValueError):
    """A remote declaration, thread id or setting is invalid; raised before any remote call."""


class GuardError(RemoteGraphsError, RuntimeError):
    """A call would reach this deployment itself or close a cycle, so it was refused."""


class RemoteRunError(RemoteGraphsError, RuntimeError):
    """A remote run failed, or could not be started.

    The message names the remote as declared, the node or tool that called it,
    its URL (never credentials), the remote run and thread when there was one,
    and the remote's own error class and message, so the failure can be traced
    on the remote deployment without its traceback.
    """

    def __init__(
        self,
        remote: str,
        url: str,
        *,
        error: str,
        message: str,
        run_id: str | None = None,
        thread_id: str | None = None,
        caller: str | None = None,
    ) -> None:
        self.remote = remote
        self.url = url
        self.error = error
        self.remote_message = message
        self.run_id = run_id
        self.thread_id = thread_id
        self.caller = caller or remote
        """The node or tool that called the remote."""
        self.transient = False
        """True when a later attempt may succeed (network fault, 429, 5xx, cut stream)."""
        who = f"remote {remote!r}"
        if self.caller != remote:
            who += f" (called by {self.caller!r})"
        on = f" on thread {thread_id}" if thread_id else ""
        what = f"run {run_id}{on} failed" if run_id else f"no run could be started{on}"
        super().__init__(f"{who} at {url}: {what}: {error}: {message}")

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only fields need an explicit recipe to survive pickling.
        fields = (self.remote, self.url, self.error, self.remote_message, self.run_id)
        return (
            _rebuild_remote_run_error,
            (*fields, self.thread_id, self.transient, self.caller),
        )


def _rebuild_remote_run_error(
    remote: str,
    url: str,
    error: str,
    message: str,
    run_id: str | None,
    thread_id: str | None,
    transient: bool,
    caller: str | None = None,
) -> RemoteRunError:
    err = RemoteRunError(
        remote,
        url,
        error=error,
        message=message,
        run_id=run_id,
        thread_id=thread_id,
        caller=caller,
    )
    err.transient = transient
    return err
