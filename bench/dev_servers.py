"""Real ``langgraph dev`` servers for the benchmarks: stock, or with the fast queue pick-up.

The stock server is what tests and ``make dev`` run; its ~1 s pick-up delay
per run is the figure worth knowing but drowns milliseconds. The fast-poll
server is the same CLI started through ``bench.fast_poll`` (see there), so
the benchmark can compare clients to the millisecond on a real server.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from bench.common import ROOT
from bench.fast_poll import BANNER
from orchestrator.devserver import DevServer, langgraph_command

SAMPLE_GRAPHS = ROOT / "tests" / "sample_graphs"
JOBS = 16
"""``--n-jobs-per-worker``: enough for the 8-branch fan-out to run at once."""


class FastPollDevServer(DevServer):
    """A ``DevServer`` whose CLI runs through ``python -m bench.fast_poll``."""

    def command(self) -> list[str]:
        """Return the stock argv with the CLI module swapped for the wrapper."""
        argv = super().command()
        return [sys.executable, "-m", "bench.fast_poll", *argv[len(langgraph_command()) :]]

    def start(self) -> FastPollDevServer:
        """Start the server and confirm from its log that the patch is in."""
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        super().start()
        if BANNER not in self.log_tail(200):
            self.stop()
            raise RuntimeError(f"the fast-poll patch did not load; server log:\n{self.log_tail()}")
        return self


@contextmanager
def sample_server(*, fast: bool, jobs: int = JOBS) -> Iterator[str]:
    """Serve ``tests/sample_graphs`` on a real ``langgraph dev``; yield its URL, stop on exit."""
    kind = FastPollDevServer if fast else DevServer
    with tempfile.TemporaryDirectory() as tmp, kind(SAMPLE_GRAPHS, cwd=tmp, n_jobs=jobs) as server:
        yield server.url
