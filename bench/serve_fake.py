"""Serve the sample graphs on a fake Agent Server in its own process.

Prints the URL on the first line of stdout, then serves until stdin closes
(the parent exits or closes the pipe), so the server never outlives the
benchmark. A separate process keeps the server's work, memory and request
records out of the measured process.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from remote_graphs.testing import FakeAgentServer  # noqa: E402
from tests.sample_graphs.graphs import GRAPHS  # noqa: E402

RUN_THREADS = 64
"""Threads for sync graph nodes (the loop's default executor has only cores + 4)."""


def main() -> int:
    with FakeAgentServer(GRAPHS) as server:
        loop = server.deployment.loop.loop
        executor = concurrent.futures.ThreadPoolExecutor(RUN_THREADS)
        loop.call_soon_threadsafe(loop.set_default_executor, executor)
        print(server.url, flush=True)
        sys.stdin.read()  # returns when the parent closes the pipe or exits
    executor.shutdown(wait=False, cancel_futures=True)
    return 0


if __name__ == "__main__":
    os.environ.pop("LANGSMITH_TRACING", None)
    raise SystemExit(main())
