"""A fork adds a remote by touching only `graphs/`, `remotes.toml` and `tests/`.

From a fresh clone of this repository: `make new-remote NAME=translator`, one
line wiring it into the pipeline and one into the supervisor, then its
generated test passes, `make run` starts four children and runs the new node,
and `make check` beside `make dev` says ok for all four remotes. The clone
borrows this environment's packages instead of installing its own.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.children import discover_children
from orchestrator.devserver import free_port

from .dev_process import ROOT, kill_leftovers, wait_published, wait_until_gone

pytestmark = pytest.mark.real_server

NAME = "translator"
# The one line a fork writes in each graph (README, Fork it), after the line it follows.
WIRING = {
    "graphs/pipeline.py": (
        'add_remote(builder, registry["writer"], name="write")\n',
        f'add_remote(builder, registry["{NAME}"], name="translate")\n',
    ),
    "graphs/supervisor.py": (
        '    remote_tool(registry["writer"], thread="per_parent"),\n',
        f'    remote_tool(registry["{NAME}"]),\n',
    ),
}


def wire(clone: Path) -> None:
    """Add the one line per graph that a fork writes by hand."""
    for name, (after, line) in WIRING.items():
        file = clone / name
        text = file.read_text()
        if line in text:
            continue
        assert text.count(after) == 1, f"{name} changed: wire the new remote after another line"
        file.write_text(text.replace(after, after + line))


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone with an environment of its own that borrows this one's packages.

    Its ``.venv`` sees the clone's ``src/`` and this environment's third-party
    packages, and nothing else of this checkout; nothing is installed, and
    this checkout's environment is never synced from the clone.
    """
    target = tmp_path_factory.mktemp("fork") / "fork"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    venv = target / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    borrowed = sysconfig.get_paths()["purelib"]
    Path(purelib, "fork.pth").write_text(f"{target / 'src'}\n{borrowed}\n")
    _borrow_commands(Path(sys.executable).parent, venv / "bin")
    (venv / ".synced").touch()  # make's stamp: the environment is up to date
    if (ROOT / ".tools").exists():
        (target / ".tools").symlink_to(ROOT / ".tools")
    if (ROOT / ".mypy_cache").exists():  # the same packages: mypy rechecks only what changed
        shutil.copytree(ROOT / ".mypy_cache", target / ".mypy_cache")
    return target


def _borrow_commands(source: Path, target: Path) -> None:
    """Give the clone's environment this one's commands (pytest, ruff, mypy...), on its python."""
    python = target / "python"
    for command in source.iterdir():
        if (target / command.name).exists() or not command.is_file():
            continue
        head = command.read_bytes()[:2]
        if head == b"#!":
            _, body = command.read_text().split("\n", 1)
            (target / command.name).write_text(f"#!{python}\n{body}")
            (target / command.name).chmod(0o755)
        else:
            (target / command.name).symlink_to(command)


@pytest.fixture(scope="module")
def env(clone: Path) -> dict[str, str]:
    """The clone's own code and state, and no child URL from this process."""
    urls = {child.url_env for child in discover_children()} | {f"{NAME.upper()}_URL"}
    base = {k: v for k, v in os.environ.items() if k not in urls and k != "ORCHESTRATOR_ENV_FILE"}
    return {**base, "ORCHESTRATOR_STATE_DIR": str(clone / ".orchestrator")}


def make(clone: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def scaffolded(clone: Path, env: dict[str, str]) -> Path:
    result = make(clone, env, "new-remote", f"NAME={NAME}")
    assert result.returncode == 0, result.stdout + result.stderr
    return clone


def changed_files(clone: Path) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line[3:] for line in status.splitlines())


def test_the_fork_touches_only_graphs_remotes_and_tests(scaffolded: Path) -> None:
    wire(scaffolded)
    changed = changed_files(scaffolded)
    assert {"graphs/pipeline.py", "graphs/supervisor.py", "remotes.toml"} <= set(changed)
    assert changed and all(
        path == "remotes.toml" or path.startswith(("graphs/", "tests/")) for path in changed
    ), changed


def test_the_generated_test_passes_with_lint_and_types(
    scaffolded: Path, env: dict[str, str]
) -> None:
    wire(scaffolded)
    result = make(scaffolded, env, "test-fast", f"PYTEST_ARGS=-q tests/graphs/test_{NAME}.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b2 passed\b", result.stdout), result.stdout


def test_make_run_starts_every_child_and_runs_the_new_node(
    scaffolded: Path, env: dict[str, str]
) -> None:
    wire(scaffolded)
    result = make(scaffolded, env, "run", "ARGS=--approve")
    assert result.returncode == 0, result.stdout + result.stderr
    started = re.findall(r"^   (\w+) +http://127\.0\.0\.1:\d+$", result.stdout, re.MULTILINE)
    assert NAME in started and len(started) == len(discover_children()) + 1, result.stdout
    assert f"-> translate (remote {NAME}) started" in result.stdout
    assert f"<- translate (remote {NAME}) done" in result.stdout
    supervised = make(scaffolded, env, "run", "ARGS=--approve --graph supervisor")
    assert supervised.returncode == 0, supervised.stdout + supervised.stderr
    assert f"-> tool {NAME} (remote) called" in supervised.stdout
    assert all(
        path == "remotes.toml" or path.startswith(("graphs/", "tests/"))
        for path in changed_files(scaffolded)
    )


@pytest.fixture
def dev_of_fork(scaffolded: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        ["make", "--no-print-directory", "dev", f"PORT={free_port()}"],
        cwd=scaffolded,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def test_make_check_during_make_dev_lists_every_remote_ok(
    scaffolded: Path, env: dict[str, str], dev_of_fork: subprocess.Popen[bytes]
) -> None:
    dev = wait_published(scaffolded / ".orchestrator", dev_of_fork)
    try:
        result = make(scaffolded, env, "check")
        os.killpg(dev_of_fork.pid, signal.SIGTERM)
        dev_of_fork.wait(timeout=60)
        left = wait_until_gone(dev)
    finally:
        kill_leftovers(dev)
    remotes = [line for line in result.stdout.splitlines() if line.startswith(("ok ", "FAIL "))]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(remotes) == len(discover_children()) + 1 and all(
        line.startswith("ok ") for line in remotes
    ), remotes
    assert any(line.split()[1] == NAME for line in remotes)
    assert left == []
