"""``make new-remote NAME=<name>``: scaffold a child deployment, its remote and its test.

    python -m orchestrator.new_remote translator

Creates ``graphs/<name>/`` (a small messages-in, messages-out graph and its
``langgraph.json``), appends ``[remotes.<name>]`` with a ``url_env`` to
``remotes.toml``, and writes ``tests/graphs/test_<name>.py``, which runs the
graph on a fake Agent Server. ``make run``, ``make dev`` and ``make check``
pick the new child up from there; wiring it into a graph is one line.
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from orchestrator.cli import run_command
from orchestrator.loader import ROOT
from orchestrator.scaffold_templates import GRAPH, LANGGRAPH_JSON, REMOTE, TEST
from remote_graphs import ConfigError

VALID_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIRST_PORT = 2025


@dataclass(frozen=True)
class Scaffold:
    """The files one new remote adds, relative to the project root."""

    name: str
    root: Path

    @property
    def folder(self) -> Path:
        """Return the child deployment's folder, ``graphs/<name>/``."""
        return self.root / "graphs" / self.name

    @property
    def test(self) -> Path:
        """Return the generated test, ``tests/graphs/test_<name>.py``."""
        return self.root / "tests" / "graphs" / f"test_{self.name}.py"

    @property
    def remotes(self) -> Path:
        """Return the project's ``remotes.toml``."""
        return self.root / "remotes.toml"


def check_name(name: str, root: Path = ROOT) -> Scaffold:
    """Return the scaffold for ``name``, or raise ``ConfigError`` saying why it cannot be used."""
    if not name.strip():
        raise ConfigError("say which remote to create: make new-remote NAME=<name>")
    if not VALID_NAME.match(name) or keyword.iskeyword(name):
        hint = re.sub(r"[^a-z0-9_]", "_", name.strip().lower()).strip("_") or "translator"
        raise ConfigError(
            f"{name!r} cannot name a remote: use lower-case letters, digits and underscores, "
            f"starting with a letter (it becomes a folder, a Python package and a graph id), "
            f"e.g. {hint if VALID_NAME.match(hint) else 'translator'}"
        )
    scaffold = Scaffold(name=name, root=root)
    if scaffold.folder.exists() or (root / "graphs" / f"{name}.py").exists():
        raise ConfigError(f"{name!r} is taken: graphs/{name} already exists; choose another NAME")
    if name in _declared(scaffold.remotes):
        raise ConfigError(
            f"{name!r} is taken: remotes.toml already declares [remotes.{name}]; "
            "choose another NAME"
        )
    if scaffold.test.exists():
        raise ConfigError(f"{name!r} is taken: tests/graphs/test_{name}.py already exists")
    return scaffold


def create(scaffold: Scaffold) -> list[Path]:
    """Write the child, its remote entry and its test; return the files written or changed."""
    name = scaffold.name
    values = {
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "env": f"{name.upper()}_URL",
        "port": str(_next_port(scaffold.remotes)),
    }
    scaffold.folder.mkdir(parents=True)
    written = [
        _write(scaffold.folder / "__init__.py", f'"""The {name} child deployment."""\n'),
        _write(scaffold.folder / "graph.py", GRAPH.substitute(values)),
        _write(scaffold.folder / "langgraph.json", LANGGRAPH_JSON.substitute(values)),
    ]
    tests = scaffold.test.parent
    tests.mkdir(parents=True, exist_ok=True)
    if not (tests / "__init__.py").exists():
        written.append(_write(tests / "__init__.py", '"""Tests of the child deployments."""\n'))
    written.append(_write(scaffold.test, TEST.substitute(values)))
    existing = scaffold.remotes.read_text(encoding="utf-8") if scaffold.remotes.exists() else ""
    entry = REMOTE.substitute(values)
    scaffold.remotes.write_text(existing.rstrip("\n") + "\n\n" + entry if existing else entry)
    return [*written, scaffold.remotes]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _declared(remotes: Path) -> set[str]:
    if not remotes.exists():
        return set()
    try:
        data = tomllib.loads(remotes.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{remotes.name} is not valid TOML: {exc}; fix it first") from None
    declared = data.get("remotes")
    return set(declared) if isinstance(declared, dict) else set()


def _next_port(remotes: Path) -> int:
    """Return the port after the highest loopback port ``remotes.toml`` declares."""
    ports = [FIRST_PORT - 1]
    if remotes.exists():
        data = tomllib.loads(remotes.read_text(encoding="utf-8")).get("remotes") or {}
        for body in data.values():
            url = urlsplit(str(body.get("url", ""))) if isinstance(body, dict) else None
            if url is not None and url.hostname in ("127.0.0.1", "localhost") and url.port:
                ports.append(url.port)
    return max(ports) + 1


def main(argv: Sequence[str] | None = None) -> int:
    """Scaffold the remote named on the command line and say how to wire it."""
    parser = argparse.ArgumentParser(prog="make new-remote", description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="", help="the remote's name, e.g. translator")
    args = parser.parse_args(argv)

    def scaffold() -> int:
        files = create(check_name(args.name))
        for path in files:
            print(f"wrote {path.relative_to(ROOT)}")
        print(NEXT_STEPS.format(name=args.name))
        return 0

    return run_command(scaffold)


NEXT_STEPS = """
Next:
  1. Wire it in one line, as a node in a graph (in graphs/pipeline.py, for example):
         add_remote(builder, registry["{name}"], name="{name}")
     or as a tool the supervisor can call (in graphs/supervisor.py):
         remote_tool(registry["{name}"])
  2. Test it against a fake deployment: make test-fast PYTEST_ARGS=tests/graphs/test_{name}.py
  3. Run it for real: make run (starts every child, {name} included); make dev, then make check
  4. Make graphs/{name}/graph.py do its real work, and describe it in remotes.toml."""


if __name__ == "__main__":
    sys.exit(main())
