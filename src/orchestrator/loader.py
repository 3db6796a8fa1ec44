"""Load the graphs a ``langgraph.json`` declares, the way ``langgraph dev`` finds them.

The commands (``make run``, ``make check``, the diagram) work on whatever the
project's ``langgraph.json`` serves, so they never import ``graphs/`` by name
and a fork's own graphs are picked up as they are.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from langgraph.pregel import Pregel

from remote_graphs import ConfigError

ROOT = Path(__file__).resolve().parents[2]
"""The project root: where ``langgraph.json``, ``remotes.toml`` and ``graphs/`` live."""
CONFIG = ROOT / "langgraph.json"


def graph_ids(config: Path = CONFIG) -> list[str]:
    """Return the ids of the graphs ``config`` serves, in declaration order."""
    return list(_graphs(config))


def load_graph(graph_id: str, config: Path = CONFIG) -> Pregel[Any, Any, Any, Any]:
    """Import and return the compiled graph ``graph_id`` of ``config``."""
    graphs = _graphs(config)
    if graph_id not in graphs:
        known = ", ".join(graphs) or "none"
        raise ConfigError(f"{config.name} serves no graph {graph_id!r}; it serves: {known}")
    entry = graphs[graph_id]
    source = entry["path"] if isinstance(entry, dict) else entry
    file, _, attr = str(source).rpartition(":")
    module = _import(config.parent / file)
    graph = getattr(module, attr, None)
    if not isinstance(graph, Pregel):
        raise ConfigError(f"{source} in {config.name} is not a compiled graph")
    return graph


def _graphs(config: Path) -> dict[str, Any]:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {config}: {exc}") from None
    graphs = data.get("graphs")
    return dict(graphs) if isinstance(graphs, dict) else {}


def _import(file: Path) -> Any:
    """Import ``file`` as a project module: ``graphs/pipeline.py`` is ``graphs.pipeline``."""
    path = file.resolve()
    try:
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    except ValueError:
        name = f"_langgraph_source_{abs(hash(path))}"
    if name in sys.modules:
        return sys.modules[name]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"cannot import {path}") from None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
