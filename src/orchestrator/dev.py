"""``make dev``: the children on free ports and the orchestrator on ``langgraph dev`` (Studio).

    python -m orchestrator.dev --port 2024

The orchestrator is told its own URL (``REMOTE_GRAPHS_SELF_URL``), so a remote
pointed at its port is refused by the guard instead of deadlocking. Ctrl-C or
SIGTERM stops the orchestrator and every child.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from orchestrator.children import Child, discover_children, running_children, url_variables
from orchestrator.devserver import DevServer, free_port
from orchestrator.loader import ROOT
from remote_graphs.guard import SELF_URL_ENV
from remote_graphs.persistence import DB_ENV

DEFAULT_PORT = 2024


def port_is_free(port: int) -> bool:
    """Tell whether nothing listens on ``port`` on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def child_ports(children: list[Child], avoid: int) -> dict[str, int]:
    """Pick a free port per child, never the orchestrator's own."""
    ports: dict[str, int] = {}
    while len(ports) < len(children):
        port = free_port()
        if port != avoid and port not in ports.values():
            ports[children[len(ports)].name] = port
    return ports


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the children and the orchestrator until interrupted."""
    parser = argparse.ArgumentParser(prog="make dev", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="orchestrator port")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be 1-65535, got {args.port}")
    if not port_is_free(args.port):
        parser.error(f"port {args.port} is taken; choose another with make dev PORT=<n>")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    self_url = f"http://127.0.0.1:{args.port}"
    try:
        children = discover_children()
        ports = child_ports(children, avoid=args.port)
        with running_children(ports=ports, children=children) as urls:
            for name, url in urls.items():
                print(f"child {name:<10} {url}")
            state = Path(".orchestrator") / "servers" / "orchestrator"
            state.mkdir(parents=True, exist_ok=True)
            orchestrator = DevServer(
                ROOT / "langgraph.json",
                cwd=state,
                port=args.port,
                n_jobs=8,
                env={
                    SELF_URL_ENV: self_url,
                    DB_ENV: str(Path(".orchestrator", "served.sqlite").resolve()),
                    **url_variables(children, urls),
                },
            )
            with orchestrator:
                print(f"orchestrator     {self_url}")
                print(
                    "Studio: https://smith.langchain.com/studio/?baseUrl="
                    f"{self_url}  (Ctrl-C stops everything)"
                )
                while orchestrator.running:
                    time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopped the orchestrator and the children")
    return 0


if __name__ == "__main__":
    sys.exit(main())
