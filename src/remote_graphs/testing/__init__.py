"""Test support: a fake LangGraph Agent Server that speaks the real wire protocol.

It serves real compiled graphs to ``RemoteGraph`` and the langgraph-sdk
clients (sync and async) in a few milliseconds per run, records every request
and run, and injects faults per endpoint.

Usage as a context manager::

    from remote_graphs.testing import FakeAgentServer, Fault

    with FakeAgentServer({"echo": echo_graph}) as server:
        remote = RemoteGraph("echo", url=server.url)
        remote.invoke({"messages": [{"role": "user", "content": "hi"}]})
        assert len(server.runs) == 1

Usage in pytest (the plugin is registered through the ``pytest11`` entry point)::

    def test_retry(make_fake_agent_server):
        server = make_fake_agent_server({"echo": echo_graph})  # stopped at teardown
        server.inject(Fault.status(429, headers={"Retry-After": "1"}),
                      method="POST", path="/threads/*/runs/stream", times=1)
        ...
        assert len(server.requests_to("POST", "/threads/{thread_id}/runs/stream")) == 2

Faults: ``Fault.latency(s)``, ``Fault.status(code, body, headers=...)``,
``Fault.disconnect()``, ``Fault.cut_stream(after_events)``,
``Fault.malformed_sse(after_events)``, ``Fault.error_event(error, message)``.
For a refused connection use ``refused_url()`` or ``server.stop()`` (state is kept,
``server.start()`` restarts on the same port).
"""

from remote_graphs.testing.assistants import assistant_id_for
from remote_graphs.testing.faults import Fault, FaultKind, FaultRule, refused_url
from remote_graphs.testing.records import RecordedRequest, RunRecord
from remote_graphs.testing.server import FakeAgentServer

__all__ = [
    "FakeAgentServer",
    "Fault",
    "FaultKind",
    "FaultRule",
    "RecordedRequest",
    "RunRecord",
    "assistant_id_for",
    "refused_url",
]
