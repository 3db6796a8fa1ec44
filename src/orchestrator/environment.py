"""Where the commands keep local state, and the ``.env`` file they read like the Agent Server.

``langgraph.json`` names an env file (``"env": ".env"``) that the Agent Server
loads for the served graphs. ``make run``, ``make dev`` and ``make check`` read
the same file, so one ``.env`` configures all of them. Variables already set
in the environment win over the file, so ``MODEL=... make run`` still works.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from dotenv import dotenv_values

from orchestrator.loader import CONFIG, ROOT

STATE_DIR_ENV = "ORCHESTRATOR_STATE_DIR"
"""Overrides the folder of local state (default ``.orchestrator/`` in the project)."""
ENV_FILE_ENV = "ORCHESTRATOR_ENV_FILE"
"""Overrides the env file the commands read (default: the one ``langgraph.json`` names)."""


def state_dir() -> Path:
    """Return the folder for local state: threads, child servers, the running ``make dev``."""
    return Path(os.environ.get(STATE_DIR_ENV) or ROOT / ".orchestrator").resolve()


def env_file(config: Path = CONFIG) -> Path | None:
    """Return the env file: ``$ORCHESTRATOR_ENV_FILE``, else the one ``config`` names, if any."""
    if override := os.environ.get(ENV_FILE_ENV):
        return Path(override).resolve()
    try:
        name = json.loads(config.read_text(encoding="utf-8")).get("env")
    except (OSError, ValueError):
        return None
    return (config.parent / name).resolve() if isinstance(name, str) else None


def env_file_values(config: Path = CONFIG) -> dict[str, str]:
    """Return the variables of ``config``'s env file (none when it is missing)."""
    file = env_file(config)
    if file is None or not file.is_file():
        return {}
    return {name: value for name, value in dotenv_values(file).items() if value is not None}


def load_env_file(config: Path = CONFIG) -> dict[str, str]:
    """Set the env file's variables that the environment does not set yet; return those set."""
    added = {
        name: value for name, value in env_file_values(config).items() if name not in os.environ
    }
    os.environ.update(added)
    return added


@contextmanager
def pointed_at(variables: Mapping[str, str]) -> Iterator[None]:
    """Set ``variables`` in the environment for the block, and restore what was there on exit."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
