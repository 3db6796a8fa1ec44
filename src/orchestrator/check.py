"""``make check``: check every remote the orchestrator uses, one line each.

Exits non-zero when any remote is unreachable, lacks its graph, rejects the
credentials, or has input/output schemas that do not fit the parent's mapping.
"""

from __future__ import annotations

import sys
from typing import Any

from remote_graphs import RemoteNode
from remote_graphs.check import CheckResult, check_remote


def remote_checks(graph: Any) -> list[CheckResult]:
    """Check the remotes behind ``graph``'s remote nodes and the registry's other remotes."""
    from graphs.orchestrator import registry

    results: dict[str, CheckResult] = {}
    for node in graph.builder.nodes.values():
        runnable = node.runnable
        if isinstance(runnable, RemoteNode):
            result = check_remote(
                runnable.spec, input_keys=runnable.input_keys, output_keys=runnable.output_keys
            )
            previous = results.get(runnable.spec.name)
            if previous is not None:
                result.problems = sorted({*previous.problems, *result.problems})
            results[runnable.spec.name] = result
    for name, spec in registry.items():
        if name not in results:  # used only as a tool: messages in, messages out
            results[name] = check_remote(spec)
    return list(results.values())


def main() -> int:
    """Print one line per remote and return 1 if any has a problem."""
    from graphs.orchestrator import graph

    results = remote_checks(graph)
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
