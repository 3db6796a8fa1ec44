"""``make dev``: the children on free ports and the orchestrator on ``langgraph dev`` (Studio).

    python -m orchestrator.dev --port 2024

The configuration is checked before anything starts. Each child under
``graphs/`` whose ``url_env`` is not set already is started; the orchestrator
is told where they are and its own URL (``REMOTE_GRAPHS_SELF_URL``, so a
remote pointed at its port is refused instead of deadlocking). While it runs,
the URLs are published for ``make check`` and a second terminal's
``make run``. Ctrl-C, SIGTERM, SIGHUP or SIGQUIT stops the orchestrator and every
child; a server that dies on its own is reported and stops the rest.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Mapping, Sequence

from orchestrator.children import Child, child_deployments, url_variables
from orchestrator.cli import run_command
from orchestrator.devserver import HOST, DevServer, free_port
from orchestrator.environment import load_env_file, pointed_at, state_dir
from orchestrator.loader import CONFIG, graph_ids
from orchestrator.preflight import chosen_model, load_graphs, read_configuration
from orchestrator.running_dev import DevLock, RunningDev
from remote_graphs.guard import SELF_URL_ENV
from remote_graphs.persistence import DB_ENV

DEFAULT_PORT = 2024
ORCHESTRATOR_JOBS = 8
WATCH_INTERVAL = 0.5


def port_is_free(port: int) -> bool:
    """Tell whether nothing listens on ``port`` on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) != 0


def child_ports(children: Sequence[Child], avoid: int) -> dict[str, int]:
    """Pick a free port per child, never the orchestrator's own."""
    ports: dict[str, int] = {}
    while len(ports) < len(children):
        port = free_port()
        if port != avoid and port not in ports.values():
            ports[children[len(ports)].name] = port
    return ports


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; a bad or taken port ends it before anything starts."""
    parser = argparse.ArgumentParser(prog="make dev", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="orchestrator port")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be 1-65535, got {args.port}")
    if not port_is_free(args.port):
        parser.error(f"port {args.port} is taken; choose another with make dev PORT=<n>")
    return args


def serve(port: int) -> int:
    """Check the configuration, start everything, and watch it until stopped."""
    load_env_file()
    configuration = read_configuration()
    chosen_model()
    self_url = f"http://{HOST}:{port}"
    with DevLock() as lock:
        to_start = [c for c in configuration.children if not os.environ.get(c.url_env)]
        ports = child_ports(to_start, avoid=port)
        planned = {c.name: f"http://{HOST}:{ports[c.name]}" for c in to_start}
        with pointed_at({**url_variables(to_start, planned), SELF_URL_ENV: self_url}):
            configuration.registry.check_environment()
            load_graphs(graph_ids())
        for child in configuration.children:
            if child not in to_start:
                print(f"child {child.name:<10} {os.environ[child.url_env]}  (from {child.url_env})")
        servers = state_dir() / "servers"
        with child_deployments(servers, ports=ports, children=to_start) as started:
            urls = {name: server.url for name, server in started.items()}
            for name, url in urls.items():
                print(f"child {name:<10} {url}")
            orchestrator = orchestrator_server(port, self_url, url_variables(to_start, urls))
            with orchestrator:
                lock.publish(
                    RunningDev(
                        pid=os.getpid(),
                        orchestrator=self_url,
                        children=urls,
                        urls=url_variables(to_start, urls),
                        pids={
                            name: server.pid
                            for name, server in {"orchestrator": orchestrator, **started}.items()
                            if server.pid is not None
                        },
                    )
                )
                print(f"orchestrator     {self_url}")
                print(
                    f"Studio: https://smith.langchain.com/studio/?baseUrl={self_url}"
                    "  (Ctrl-C stops everything; make check and make run in another"
                    " terminal use these children)"
                )
                return watch(
                    {"orchestrator": orchestrator, **{f"child {n}": s for n, s in started.items()}}
                )


def orchestrator_server(port: int, self_url: str, child_urls: Mapping[str, str]) -> DevServer:
    """Describe the orchestrator's ``langgraph dev``, pointed at the children.

    Its env file is left out of the served config because this process read
    it already: the Agent Server would otherwise let the file override the
    children's URLs set here.
    """
    folder = state_dir()
    return DevServer(
        CONFIG,
        cwd=folder / "servers" / "orchestrator",
        port=port,
        n_jobs=ORCHESTRATOR_JOBS,
        env={
            SELF_URL_ENV: self_url,
            DB_ENV: os.environ.get(DB_ENV) or str(folder / "served.sqlite"),
            **child_urls,
        },
        config_overrides={"env": None},
    )


def watch(servers: Mapping[str, DevServer]) -> int:
    """Wait while every server runs; report the first that stops by itself and return 1."""
    while True:
        for name, server in servers.items():
            code = server.returncode
            if code is not None:
                print(
                    f"\nerror: {name} stopped by itself (exit code {code}); stopping the rest.\n"
                    f"--- last lines of {server.log_path} ---\n{server.log_tail(20)}",
                    file=sys.stderr,
                )
                return 1
        time.sleep(WATCH_INTERVAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the children and the orchestrator until stopped."""
    args = parse_args(argv)
    return run_command(
        lambda: serve(args.port), stopped="stopped the orchestrator and the children"
    )


if __name__ == "__main__":
    sys.exit(main())
