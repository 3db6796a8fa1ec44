"""``make check``: check every remote the orchestrator uses, one line each.

Checks the remotes where the orchestrator would call them: where a running
``make dev`` started them, else where ``url_env`` or ``remotes.toml`` says.
Exits 1 when any remote is unreachable, lacks its graph, rejects the
credentials, or has input/output schemas that do not fit the parent's
mapping; 2 on a configuration mistake, before anything is called.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from langgraph.pregel import Pregel

from orchestrator.cli import run_command
from orchestrator.environment import load_env_file, pointed_at
from orchestrator.graph_remotes import remote_nodes
from orchestrator.loader import graph_ids
from orchestrator.preflight import load_graphs, read_configuration
from orchestrator.running_dev import find_running_dev
from remote_graphs import Registry
from remote_graphs.check import CheckResult, check_remote


def remote_checks(
    graphs: Iterable[Pregel[Any, Any, Any, Any]], registry: Registry
) -> list[CheckResult]:
    """Check every remote of the registry, in its order, against the graphs' remote nodes.

    A remote that backs nodes is checked against their input and output keys;
    one used only as a tool (or not yet used) as messages in, messages out.
    """
    results: dict[str, CheckResult] = {}
    for graph in graphs:
        for node in remote_nodes(graph).values():
            result = check_remote(
                node.spec, input_keys=node.input_keys, output_keys=node.output_keys
            )
            previous = results.get(node.spec.name)
            if previous is not None:
                result.problems = sorted({*previous.problems, *result.problems})
            results[node.spec.name] = result
    return [results.get(name) or check_remote(spec) for name, spec in registry.items()]


def check() -> int:
    """Print one line per remote and return 1 if any has a problem."""
    load_env_file()
    dev = find_running_dev()
    with pointed_at(dev.urls if dev else {}):
        configuration = read_configuration()
        graphs = load_graphs(graph_ids())
        if dev is not None:
            print(f"make dev is running (pid {dev.pid}): checking the children it started")
        results = remote_checks(graphs.values(), configuration.registry)
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


def main() -> int:
    """Run ``make check``."""
    return run_command(check)


if __name__ == "__main__":
    sys.exit(main())
