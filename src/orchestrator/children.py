"""Start the example child deployments with the real ``langgraph dev`` for local runs.

Each child gets a free loopback port, its own folder under ``.orchestrator/``
(so its threads survive between runs and ``--thread`` can continue one), and
enough workers for the orchestrator's parallel fan-out. The URL variables the
remote registry reads (``RESEARCHER_URL``...) are set to point at them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestrator.devserver import DevServer, run_dev_servers

ROOT = Path(__file__).resolve().parents[2]
CHILDREN = ("researcher", "analyst", "writer")
STATE_DIR = Path(".orchestrator") / "servers"
JOBS_PER_CHILD = 8


def url_env(name: str) -> str:
    """Return the environment variable that points the registry at child ``name``."""
    return f"{name.upper()}_URL"


@contextmanager
def running_children(
    state_dir: Path = STATE_DIR, ports: dict[str, int] | None = None
) -> Iterator[dict[str, str]]:
    """Start every child deployment, yield ``{name: url}``, and stop them all on exit."""
    servers = []
    for name in CHILDREN:
        cwd = (state_dir / name).resolve()
        cwd.mkdir(parents=True, exist_ok=True)
        servers.append(
            DevServer(
                ROOT / "graphs" / name / "langgraph.json",
                cwd=cwd,
                port=(ports or {}).get(name),
                n_jobs=JOBS_PER_CHILD,
            )
        )
    with run_dev_servers(servers) as started:
        urls = {name: server.url for name, server in zip(CHILDREN, started, strict=True)}
        previous = {name: os.environ.get(url_env(name)) for name in CHILDREN}
        os.environ.update({url_env(name): url for name, url in urls.items()})
        try:
            yield urls
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(url_env(name), None)
                else:
                    os.environ[url_env(name)] = value
