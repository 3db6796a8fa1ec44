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

Layout, after the server it emulates (``langgraph_api`` and its in-memory
runtime): ``server`` (the HTTP server, keep-alive, request pipeline),
``route`` (routing; the body is parsed and checked once, by ``validation``),
``api.assistants``/``api.threads``/``api.runs``/``api.store``/``api.crons``
(route handlers), ``ops`` and ``assistants`` (storage), ``run`` (run creation,
event fan-out), ``worker`` (execution), ``stream`` (graph stream to wire
events), ``state`` (ThreadState JSON), ``checkpointer`` (checkpoint
metadata), ``command``, ``webhook`` (the URL policy), ``serde``, ``sse``;
and the test hooks ``records``, ``faults``, ``plugin``.

The store is emulated (``client.store.*`` and ``get_store()`` in a node share
one in-memory store per fake, without a vector index), because a fork's
graph may keep memories there and must run on the fake as it does on the
server. Webhook URLs are checked as the server's default policy checks them
(relative and loopback URLs are refused with its 422), except that host
names are not resolved.

Not emulated: authentication and authorization (every caller is the dev
user), calling webhooks (an accepted ``webhook`` is stored, never called),
``feedback_keys`` (no LangSmith: the run succeeds without a ``feedback``
event, where a server that cannot reach LangSmith fails the run after the
graph), crons (every cron route answers 404, the SDK's ``NotFoundError``,
saying so: a graph cannot reach crons, their schedules need a parser this
package does not depend on, and their scheduler would tie tests to the
clock; see ``api.crons``), the v2 event-streaming endpoints behind
``client.threads.stream``, and the server's idle timeout on kept-alive
connections (the fake keeps them until the client or ``stop()`` closes
them; after an unexpected 500 it closes them, as uvicorn does).
Runs start at once, not after the real server's ~1 s queue poll, so a
client that races a run's start can see it further along than on the real
server. Resumable event ids are unique (``<ms>-<seq>``), where the real
server's repeat within a millisecond.
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
