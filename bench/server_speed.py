"""Fake vs real server: one echo run on ``langgraph dev`` against the same run on the fake.

Reuses the clients of ``bench/fake_server.py`` (which also runs on its own)
and times them against both servers, interleaved, so the doc records how
much faster the fake is than the real in-memory server on this machine.
"""

from __future__ import annotations

import statistics

from bench.common import Row, Section, Stat, paired
from bench.fake_server import TARGET_MS, remote_invoke, sdk_stream

REPS = 5


def run(fake_url: str, real_url: str | None, reps: int = REPS) -> Section:
    """Time both clients on both servers (fake only when ``real_url`` is None)."""
    section = Section(
        "0. Servers: the fake Agent Server vs a real `langgraph dev`",
        "One complete echo run as a client sees it (`bench/fake_server.py`'s clients: a "
        "stateless SDK `runs.stream`, and `RemoteGraph.invoke` on a new thread), on the real "
        f"in-memory server vs the fake, {reps} interleaved pairs. The fake's own target is a "
        f"median of at most {TARGET_MS:.0f} ms per run.",
    )
    clients = {
        "SDK runs.stream (stateless)": sdk_stream,
        "RemoteGraph.invoke (thread)": remote_invoke,
    }
    for label, make in clients.items():
        fake = make(fake_url)
        if real_url is None:
            times = [paired(fake, fake, 1, warmup=0).candidate[0] for _ in range(20)]
        else:
            data = paired(make(real_url), fake, reps, warmup=1)
            section.rows.append(Row.from_paired(f"langgraph dev, {label}", "fake", data))
            times = data.baseline
        ms = [t * 1000 for t in times]
        median = statistics.median(ms)
        stat = Stat.of(ms)
        section.rows.append(
            Row(f"fake, {label}", "-", "value", median, stat, TARGET_MS, candidate=stat)
        )
    if real_url is None:
        section.notes.append("The real server was not started (--no-real).")
    return section
