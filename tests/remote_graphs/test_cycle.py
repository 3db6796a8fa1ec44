"""A calls B calls A across two real `langgraph dev` deployments: refused, not deadlocked."""

from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client

from orchestrator.devserver import DevServer, free_port, run_dev_servers

CONFIG = Path(__file__).parent / "cycle" / "langgraph.json"


def peer(cwd: Path, port: int, *, calls: int) -> DevServer:
    """Serve the ping graph on ``port``, pointed at the deployment on ``calls``."""
    cwd.mkdir()
    return DevServer(
        CONFIG, cwd=cwd, port=port, n_jobs=4, env={"PEER_URL": f"http://127.0.0.1:{calls}"}
    )


@pytest.mark.real_server
def test_cycle_across_deployments_is_refused(tmp_path: Path) -> None:
    port_a, port_b = free_port(), free_port()
    a = peer(tmp_path / "a", port_a, calls=port_b)
    b = peer(tmp_path / "b", port_b, calls=port_a)
    with run_dev_servers([a, b]):
        client = get_sync_client(url=a.url, api_key=None, timeout=60)
        thread = client.threads.create()["thread_id"]
        with pytest.raises(Exception, match="RemoteRunError") as info:
            client.runs.wait(
                thread, "ping", input={"messages": [{"role": "user", "content": "hi"}]}
            )
    # A's node called B; B found A already in the call chain and refused to call back,
    # and the explanation survived both hops.
    message = str(info.value)
    assert f"remote 'peer' at http://127.0.0.1:{port_b}: run " in message
    assert f"GuardError: call cycle: remote 'peer' at http://127.0.0.1:{port_a}" in message
