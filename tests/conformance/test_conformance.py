"""Differential test: the fake Agent Server must answer like the real `langgraph dev`.

Every scenario in `scenarios.py` runs through each of its clients against both
servers, and the normalised traces (outputs and HTTP exchanges) must be equal.
"""

from __future__ import annotations

import pytest

from remote_graphs.testing.plugin import MakeFakeAgentServer
from tests.sample_graphs.graphs import GRAPHS

from .catalog import SCENARIOS
from .conftest import RealTraces
from .diff import compare_traces
from .drivers import DRIVERS, Trace
from .scenarios import Scenario

pytestmark = pytest.mark.real_server

CASES = [
    pytest.param(
        sc,
        driver,
        id=f"{sc.name}[{driver}]",
        marks=[pytest.mark.xfail(strict=True, reason=sc.real_bug)] if sc.real_bug else [],
    )
    for sc in SCENARIOS
    for driver in sc.drivers
]


@pytest.mark.parametrize(("scenario", "driver"), CASES)
def test_fake_answers_like_the_real_server(
    scenario: Scenario,
    driver: str,
    real_traces: RealTraces,
    fake_server_url: str,
    make_fake_agent_server: MakeFakeAgentServer,
) -> None:
    real = real_traces[(scenario.name, driver)]
    if isinstance(real, BaseException):
        raise real
    url = make_fake_agent_server(GRAPHS).url if scenario.exclusive else fake_server_url
    fake = DRIVERS[driver](url, list(scenario.steps))
    diffs = compare_traces(real.as_json(), fake.as_json(), scenario.compare)
    assert not diffs, f"{len(diffs)} difference(s):\n" + "\n".join(diffs[:40])


def test_real_traces_cover_every_case(real_traces: RealTraces) -> None:
    assert len(real_traces) == len(CASES)
    failed = {k: v for k, v in real_traces.items() if not isinstance(v, Trace)}
    assert not failed
