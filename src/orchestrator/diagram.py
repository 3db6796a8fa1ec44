"""The README's picture of the first graph ``langgraph.json`` serves, generated from its code.

    python -m orchestrator.diagram --write   # refresh README.md

A test compares the README with this output, so the picture cannot drift
from the code.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from orchestrator.loader import ROOT, graph_ids, load_graph
from remote_graphs.node import RemoteNode

README = ROOT / "README.md"
START, END = "<!-- graph:start -->", "<!-- graph:end -->"


def mermaid(graph: Any) -> str:
    """Return the graph as mermaid, remote nodes labelled with the remote they call."""
    text = str(graph.get_graph().draw_mermaid())
    text = text.split("---\n", 2)[-1]  # drop the front matter some renderers reject
    for name, node in graph.builder.nodes.items():
        if isinstance(node.runnable, RemoteNode):
            label = f'{name}["{name}<br/><i>remote: {node.runnable.spec.name}</i>"]:::remote'
            text = re.sub(
                rf"^\t{re.escape(name)}\({re.escape(name)}\)$", f"\t{label}", text, flags=re.M
            )
    return text.rstrip() + "\n\tclassDef remote fill:#fde8c8\n"


def readme_block(graph: Any) -> str:
    """Return the README block, markers included."""
    return f"{START}\n```mermaid\n{mermaid(graph)}```\n{END}"


def current_block(readme: str) -> str:
    """Return the block now in the README (empty when the markers are missing)."""
    match = re.search(rf"{re.escape(START)}.*?{re.escape(END)}", readme, flags=re.S)
    return match.group(0) if match else ""


def main(argv: list[str] | None = None) -> int:
    """Print the diagram, or write it into the README with ``--write``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    parser.add_argument("--graph", help="graph id in langgraph.json (default: the first)")
    args = parser.parse_args(argv)
    block = readme_block(load_graph(args.graph or graph_ids()[0]))
    if not args.write:
        sys.stdout.write(block + "\n")
        return 0
    text = README.read_text(encoding="utf-8")
    old = current_block(text)
    if not old:
        raise SystemExit(f"{README.name} has no {START} ... {END} markers")
    README.write_text(text.replace(old, block), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
