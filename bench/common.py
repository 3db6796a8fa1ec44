"""Shared benchmark helpers: paired timing, statistics, result rows, fake server, environment.

Every figure compares a candidate with a baseline measured in the same
process and run, interleaved (ABAB, order alternating) so drift hits both.
A figure is the ratio (or difference) of the two medians; its spread is the
p10-p90 of the per-repetition ratios (or differences).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.sample_graphs and graphs/ live at the root
    sys.path.insert(0, str(ROOT))

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
HI = {"messages": [{"role": "user", "content": "hi"}]}

Kind = Literal["ratio", "diff", "value"]


def loopback_only() -> None:
    """Drop proxy variables and tracing so loopback traffic goes straight to the server."""
    for name in PROXY_VARS:
        os.environ.pop(name, None)
    os.environ["LANGSMITH_TRACING"] = "false"
    os.environ["LANGCHAIN_TRACING_V2"] = "false"


# -- statistics ----------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """Median and p10-p90 of a sample."""

    median: float
    p10: float
    p90: float
    n: int

    @classmethod
    def of(cls, sample: Sequence[float]) -> Stat:
        """Summarise ``sample`` (at least one value)."""
        if len(sample) < 2:
            return cls(sample[0], sample[0], sample[0], len(sample))
        deciles = statistics.quantiles(sample, n=10, method="inclusive")
        return cls(statistics.median(sample), deciles[0], deciles[-1], len(sample))


@dataclass
class Paired:
    """Candidate and baseline timings (seconds), one pair per repetition."""

    candidate: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)

    def ratio(self) -> tuple[float, Stat]:
        """Return median(candidate) / median(baseline) and the spread of per-pair ratios."""
        pairs = [c / b for c, b in zip(self.candidate, self.baseline, strict=True)]
        return statistics.median(self.candidate) / statistics.median(self.baseline), Stat.of(pairs)

    def diff(self) -> tuple[float, Stat]:
        """Return median(candidate) - median(baseline) and the spread of per-pair differences."""
        pairs = [c - b for c, b in zip(self.candidate, self.baseline, strict=True)]
        return statistics.median(self.candidate) - statistics.median(self.baseline), Stat.of(pairs)


def timed(fn: Callable[[], object]) -> float:
    """Return how long ``fn()`` took, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(
    candidate: Callable[[], object],
    baseline: Callable[[], object],
    reps: int,
    warmup: int = 3,
) -> Paired:
    """Time ``candidate`` and ``baseline`` ``reps`` times each, interleaved."""
    for _ in range(warmup):
        candidate()
        baseline()
    out = Paired()
    for i in range(reps):
        if i % 2:
            out.baseline.append(timed(baseline))
            out.candidate.append(timed(candidate))
        else:
            out.candidate.append(timed(candidate))
            out.baseline.append(timed(baseline))
    return out


async def atimed(fn: Callable[[], Awaitable[object]]) -> float:
    """Return how long ``await fn()`` took, in seconds."""
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start


async def apaired(
    candidate: Callable[[], Awaitable[object]],
    baseline: Callable[[], Awaitable[object]],
    reps: int,
    warmup: int = 3,
) -> Paired:
    """Async ``paired``: one event loop for all repetitions (clients stay bound to it)."""
    for _ in range(warmup):
        await candidate()
        await baseline()
    out = Paired()
    for i in range(reps):
        if i % 2:
            out.baseline.append(await atimed(baseline))
            out.candidate.append(await atimed(candidate))
        else:
            out.candidate.append(await atimed(candidate))
            out.baseline.append(await atimed(baseline))
    return out


def arun(coro: Awaitable[Paired]) -> Paired:
    """Run an async measurement to completion on a fresh event loop."""

    async def main() -> Paired:
        return await coro

    return asyncio.run(main())


# -- results -------------------------------------------------------------------


@dataclass
class Row:
    """One benchmark figure: a candidate against its baseline, and its target."""

    figure: str
    baseline: str
    kind: Kind
    score: float
    spread: Stat
    target: float | None = None
    unit: str = "ms"
    candidate: Stat | None = None
    reference: Stat | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when there is no target)."""
        return None if self.target is None else self.score <= self.target

    @classmethod
    def from_paired(
        cls,
        figure: str,
        baseline: str,
        data: Paired,
        *,
        kind: Kind = "ratio",
        target: float | None = None,
        note: str = "",
    ) -> Row:
        """Build a row from interleaved timings (seconds, shown in ms)."""
        score, spread = data.ratio() if kind == "ratio" else data.diff()
        if kind == "diff":
            score, spread = score * 1000, _scale(spread, 1000)
        return cls(
            figure,
            baseline,
            kind,
            score,
            spread,
            target,
            candidate=_scale(Stat.of(data.candidate), 1000),
            reference=_scale(Stat.of(data.baseline), 1000),
            note=note,
        )


def _scale(stat: Stat, factor: float) -> Stat:
    return Stat(stat.median * factor, stat.p10 * factor, stat.p90 * factor, stat.n)


@dataclass
class Section:
    """The rows of one benchmark, with what it measures and how."""

    title: str
    method: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0


def fmt(value: float, kind: Kind, unit: str) -> str:
    if kind == "ratio":
        return f"{value:.3f}x"
    sign = "+" if kind == "diff" and value >= 0 else ""
    return f"{sign}{value:.1f} {unit}".rstrip()


def _stat(stat: Stat | None, unit: str = "ms") -> str:
    if stat is None:
        return "-"
    return f"{stat.median:.1f} ({stat.p10:.1f}-{stat.p90:.1f}) {unit}".rstrip()


def markdown(section: Section) -> str:
    """Render one section as a markdown table with its method and notes."""
    lines = [f"## {section.title}", "", section.method, ""]
    if section.skipped:
        return "\n".join([*lines, f"**Skipped:** {section.skipped}", ""])
    lines += [
        "| figure | candidate median (p10-p90) | baseline | baseline median (p10-p90) "
        "| result (p10-p90) | target | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in section.rows:
        spread = f"{fmt(r.spread.p10, r.kind, r.unit)} - {fmt(r.spread.p90, r.kind, r.unit)}"
        target = "-" if r.target is None else "<= " + fmt(r.target, r.kind, r.unit)
        met = {None: "-", True: "yes", False: "**no**"}[r.met]
        lines.append(
            f"| {r.figure} | {_stat(r.candidate)} | {r.baseline} | {_stat(r.reference)} "
            f"| **{fmt(r.score, r.kind, r.unit)}** ({spread}) | {target} | {met} |"
        )
    lines.append("")
    lines += [f"- {n}" for n in section.notes + [r.note for r in section.rows if r.note]]
    lines.append(f"- Took {section.seconds:.0f} s.")
    return "\n".join([*lines, ""])


def console(section: Section) -> str:
    """Render one section compactly for the terminal."""
    out = [f"== {section.title} ({section.seconds:.0f} s)"]
    if section.skipped:
        return "\n".join([*out, f"   skipped: {section.skipped}"])
    for r in section.rows:
        target = "" if r.target is None else f" target <= {fmt(r.target, r.kind, r.unit)}"
        verdict = {None: "", True: "  met", False: "  MISSED"}[r.met]
        out.append(
            f"   {r.figure}: {fmt(r.score, r.kind, r.unit)} "
            f"({fmt(r.spread.p10, r.kind, r.unit)}..{fmt(r.spread.p90, r.kind, r.unit)})"
            f" vs {r.baseline}{target}{verdict}"
            f"  [{_stat(r.candidate)} vs {_stat(r.reference)}]"
        )
    return "\n".join(out)


# -- fake server in a child process ---------------------------------------------


@contextlib.contextmanager
def fake_server() -> Iterator[str]:
    """Start ``bench/serve_fake.py`` in a child process and yield its URL; stop it on exit."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("serve_fake.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake server did not start (said {url!r})")
        yield url
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- environment ---------------------------------------------------------------


def cpu_model() -> str:
    """Return the CPU model from /proc/cpuinfo (or the platform's guess)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def environment() -> dict[str, str]:
    """Return the versions and machine facts recorded with the results."""
    info = {"python": platform.python_version()}
    for dist in ("langgraph", "langgraph-sdk", "langgraph-api", "langchain-core", "httpx"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    info["cores"] = str(os.cpu_count())
    info["cpu"] = cpu_model()
    info["os"] = f"{platform.system()} {platform.release()}"
    return info


def main_against_fake(run: Callable[[str], Section]) -> None:
    """Run one benchmark on its own against a fresh fake server and print its table."""
    loopback_only()
    with fake_server() as url:
        print(console(run(url)))
