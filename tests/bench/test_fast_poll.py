"""The benchmark-only fast queue poll: it patches what it claims, and only when loaded."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bench import fast_poll

ROOT = Path(__file__).resolve().parents[2]


def _fake_ops(calls: list[tuple[bool, int]]) -> types.ModuleType:
    class Runs:
        @staticmethod
        async def next(wait: bool, limit: int = 1) -> AsyncIterator[Any]:
            calls.append((wait, limit))
            yield "run", 1

    module = types.ModuleType("fake_ops")
    module.Runs = Runs  # type: ignore[attr-defined]
    return module


def _drain(ops: types.ModuleType, wait: bool) -> list[Any]:
    async def main() -> list[Any]:
        return [item async for item in ops.Runs.next(wait=wait, limit=3)]

    return asyncio.run(main())


def test_an_idle_queue_waits_the_short_poll_then_looks_without_the_stock_sleep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[bool, int]] = []
    sleeps: list[float] = []
    ops = _fake_ops(calls)
    fast_poll.patch(ops, 0.005, 4)

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    assert _drain(ops, wait=True) == [("run", 1)]
    assert _drain(ops, wait=False) == [("run", 1)]
    assert sleeps == [0.005]
    assert calls == [(False, 3), (False, 3)]


@pytest.mark.parametrize("raw", ["soon", "0", "2"])
def test_a_bad_poll_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(fast_poll.POLL_ENV, raw)
    with pytest.raises(SystemExit, match=fast_poll.POLL_ENV):
        fast_poll.poll_seconds()


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_the_installed_runtime_still_sleeps_where_the_patch_replaces_it() -> None:
    done = _python(
        "import inspect, langgraph_runtime_inmem.ops as ops\n"
        "source = inspect.getsource(ops.Runs.next)\n"
        "print(list(inspect.signature(ops.Runs.next).parameters))\n"
        f"print('asyncio.sleep({fast_poll.STOCK_POLL})' in source)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["['wait', 'limit']", "True"]


def test_the_import_hook_patches_the_runtime_when_the_server_imports_it() -> None:
    done = _python(
        "import sys\n"
        "from bench import fast_poll\n"
        "sys.meta_path.insert(0, fast_poll._PatchOnImport(0.005, 4))\n"
        "import langgraph_runtime_inmem.ops as ops\n"
        "print(ops.Runs.next.__name__, any(isinstance(f, fast_poll._PatchOnImport) "
        "for f in sys.meta_path))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "next_run False"
    assert fast_poll.BANNER in done.stderr


def test_the_stock_cli_is_untouched_without_the_wrapper() -> None:
    done = _python("import langgraph_runtime_inmem.ops as ops\nprint(ops.Runs.next.__name__)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "next"
