"""The layout keeps the template's promise: `src/` knows nothing of the example children.

A fork replaces what is under `graphs/`; that only works while the library and
the commands neither import `graphs` nor name one of its children.
"""

import ast
import re
from pathlib import Path

from orchestrator.children import discover_children

SRC = Path(__file__).parents[1] / "src"


def sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_src_imports_nothing_from_graphs() -> None:
    offenders = []
    for file in sources():
        for node in ast.walk(ast.parse(file.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{file.relative_to(SRC)}: {n}" for n in names if n.split(".")[0] == "graphs"
            ]
    assert offenders == []


def test_src_names_no_child() -> None:
    children = [child.name for child in discover_children()]
    assert children, "graphs/ holds no child to look for"
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, children)) + r")\b", re.IGNORECASE)
    found = [
        f"{file.relative_to(SRC)}:{number}: {line.strip()}"
        for file in sources()
        for number, line in enumerate(file.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
