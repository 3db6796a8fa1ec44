"""Find the child deployments under ``graphs/`` and start them with the real ``langgraph dev``.

Every ``graphs/<name>/langgraph.json`` is a child deployment serving the graph
``<name>``. The remote of the same name in ``remotes.toml`` says, through its
``url_env``, which environment variable points the orchestrator at it; starting
the children sets those variables to the servers just started. Nothing here
knows any child by name, so a new folder under ``graphs/`` is a new child.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orchestrator.devserver import DevServer, run_dev_servers
from orchestrator.environment import pointed_at
from orchestrator.loader import ROOT
from remote_graphs import ConfigError, Registry
from remote_graphs.registry import CONFIG_ENV

STATE_DIR = Path(".orchestrator") / "servers"
JOBS_PER_CHILD = 8


@dataclass(frozen=True)
class Child:
    """One child deployment: its folder's ``langgraph.json`` and the variable naming its URL."""

    name: str
    config: Path
    url_env: str


def registry_file(root: Path = ROOT) -> Path:
    """Return the remotes file the commands read: ``$REMOTE_GRAPHS_CONFIG`` or ``remotes.toml``."""
    return Path(os.environ.get(CONFIG_ENV) or root / "remotes.toml")


def discover_children(root: Path = ROOT, registry: Registry | None = None) -> list[Child]:
    """Return every child deployment under ``root/graphs``, sorted by name.

    Raises:
        ConfigError: A child has no remote of its name in ``remotes.toml``, or
            that remote has no ``url_env`` to point it at the started server.
    """
    configs = sorted((root / "graphs").glob("*/langgraph.json"))
    if not configs:
        return []
    registry = registry if registry is not None else Registry.from_file(registry_file(root))
    declared = set(registry)
    children = []
    for config in configs:
        name = config.parent.name
        if name not in declared:
            raise ConfigError(
                f"graphs/{name}/langgraph.json is a child deployment but remotes.toml has no "
                f"[remotes.{name}]; declare it (with url_env) or remove the folder"
            )
        spec = registry[name]
        if not spec.url_env:
            raise ConfigError(
                f"remote {name!r} in remotes.toml has no url_env, so a started child cannot "
                f'be pointed at; add url_env = "{name.upper().replace("-", "_")}_URL"'
            )
        children.append(Child(name=name, config=config, url_env=spec.url_env))
    return children


def child_servers(
    children: Sequence[Child],
    state_dir: Path = STATE_DIR,
    ports: Mapping[str, int] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[DevServer]:
    """Describe one ``langgraph dev`` per child, each with its own state folder and log."""
    servers = []
    for child in children:
        cwd = (state_dir / child.name).resolve()
        cwd.mkdir(parents=True, exist_ok=True)
        servers.append(
            DevServer(
                child.config,
                cwd=cwd,
                port=(ports or {}).get(child.name),
                n_jobs=JOBS_PER_CHILD,
                env=env,
            )
        )
    return servers


@contextmanager
def child_deployments(
    state_dir: Path = STATE_DIR,
    ports: Mapping[str, int] | None = None,
    children: Sequence[Child] | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[dict[str, DevServer]]:
    """Start every child deployment (in parallel), yield ``{name: server}``, stop them on exit.

    While the block runs, each child's ``url_env`` points at its server, so the
    registry (and anything it builds) calls the children just started.
    """
    found = list(children) if children is not None else discover_children()
    with run_dev_servers(child_servers(found, state_dir, ports, env)) as started:
        servers = {child.name: server for child, server in zip(found, started, strict=True)}
        with pointed_at(url_variables(found, {n: s.url for n, s in servers.items()})):
            yield servers


@contextmanager
def running_children(
    state_dir: Path = STATE_DIR,
    ports: Mapping[str, int] | None = None,
    children: Sequence[Child] | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[dict[str, str]]:
    """Start every child deployment, yield ``{name: url}``, and stop them all on exit."""
    with child_deployments(state_dir, ports, children, env) as servers:
        yield {name: server.url for name, server in servers.items()}


def url_variables(children: Sequence[Child], urls: Mapping[str, str]) -> dict[str, str]:
    """Return ``{url_env: url}`` for the children that have a URL in ``urls``."""
    return {child.url_env: urls[child.name] for child in children if child.name in urls}
