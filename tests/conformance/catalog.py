"""Every scenario of the differential test, in the order the tests run them."""

from __future__ import annotations

from .coverage import COVERAGE
from .edges import EDGES
from .fidelity import FIDELITY
from .scenarios import BASE, Scenario

SCENARIOS: list[Scenario] = [*BASE, *FIDELITY, *COVERAGE, *EDGES]

names = [s.name for s in SCENARIOS]
assert len(names) == len(set(names)), "scenario names must be unique"
