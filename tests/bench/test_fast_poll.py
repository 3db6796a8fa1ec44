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
        store: list[str] = []

        @staticmethod
        async def next(wait: bool, limit: int = 1) -> AsyncIterator[Any]:
            calls.append((wait, limit))
            while Runs.store:
                yield Runs.store.pop(), 1

        @staticmethod
        async def put(run: str) -> str:
            Runs.store.append(run)
            return run

    module = types.ModuleType("fake_ops")
    module.Runs = Runs  # type: ignore[attr-defined]
    return module


async def _next(ops: types.ModuleType, wait: bool) -> list[Any]:
    return [item async for item in ops.Runs.next(wait=wait, limit=3)]


def test_an_idle_queue_polls_at_the_short_interval_and_never_with_the_stock_sleep() -> None:
    calls: list[tuple[bool, int]] = []
    ops = _fake_ops(calls)
    fast_poll.patch(ops, 0.001, 4)

    async def main() -> tuple[list[Any], list[Any]]:
        idle = await _next(ops, wait=True)
        await ops.Runs.put("run-1")
        return idle, await _next(ops, wait=False)

    assert asyncio.run(main()) == ([], [("run-1", 1)])
    assert calls == [(False, 3), (False, 3)]


def test_a_new_run_wakes_a_waiting_queue_before_its_poll_is_due() -> None:
    ops = _fake_ops([])
    fast_poll.patch(ops, 3600, 4)  # the poll alone would never come in time

    async def main() -> list[Any]:
        await _next(ops, wait=False)  # the queue's first look binds it to this loop
        waiting = asyncio.ensure_future(_next(ops, wait=True))
        await asyncio.sleep(0)
        await ops.Runs.put("run-1")
        return await asyncio.wait_for(waiting, timeout=30)

    assert asyncio.run(main()) == [("run-1", 1)]


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
        "print(ops.Runs.next.__name__, ops.Runs.put.__name__, "
        "any(isinstance(f, fast_poll._PatchOnImport) for f in sys.meta_path))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "next_run put False"
    assert fast_poll.BANNER in done.stderr


def test_the_stock_cli_is_untouched_without_the_wrapper() -> None:
    done = _python("import langgraph_runtime_inmem.ops as ops\nprint(ops.Runs.next.__name__)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "next"
