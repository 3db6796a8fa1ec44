from __future__ import annotations

import operator
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from example_agents.calculator import (
    MAX_EXPRESSION_LENGTH,
    CalculationError,
    evaluate,
    format_number,
    summarize,
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("-3 + +5", 2),
        ("-(2 ** 2)", -4),
        ("1.5e3 / 3", 500.0),
        ("mean(24, 35, 45)", pytest.approx(34.6667, abs=1e-4)),
        ("mean([1, 2, 3])", 2.0),
        ("median(3, 1, 2, 10)", 2.5),
        ("stdev(2, 4, 4, 4, 5, 5, 7, 9)", pytest.approx(2.138, abs=1e-3)),
        ("min(3, 1) + max(3, 1) + sum(1, 2, 3)", 10),
        ("sqrt(16)", 4.0),
        ("round(3.14159, 2)", 3.14),
        ("abs(-2)", 2),
        ("avg(1, 3)", 2.0),
        ("  2+2  ", 4),
    ],
)
def test_evaluates_arithmetic_and_statistics(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("__import__('os').system('true')", "attribute access"),
        ("(1).__class__", "attribute access"),
        ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
        ("x + 1", "unknown name 'x'"),
        ("os", "unknown name 'os'"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("'a' * 3", "only numbers are allowed"),
        ("True + 1", "only numbers are allowed"),
        ("1j * 2", "only numbers are allowed"),
        ("lambda: 1", "Lambda is not allowed"),
        ("[x for x in (1, 2)]", "ListComp is not allowed"),
        ("1 < 2", "Compare is not allowed"),
        ("2 ^ 3", "use ** for powers"),
        ("1 << 3", "<< is not allowed"),
        ("~1", "~ is not allowed"),
        ("[1, 2]", "a list is only allowed as the argument"),
        ("round(2.5, ndigits=1)", "no keyword arguments"),
        ("1 +", "not a valid arithmetic expression"),
        ("", "empty"),
        ("1 / 0", "division by zero"),
        ("5 % 0", "division by zero"),
        ("sqrt(-1)", "negative"),
        ("(-8) ** (1 / 3)", "not a real number"),
        ("stdev(1)", "at least two"),
        ("mean()", "at least one"),
        ("sqrt(1, 2)", "exactly 1"),
        ("round(1.5, 99)", "digits"),
    ],
)
def test_refuses_anything_outside_the_whitelist_with_a_clear_message(
    expression: str, message: str
) -> None:
    with pytest.raises(CalculationError, match=re.escape(message)):
        evaluate(expression)


@pytest.mark.parametrize(
    "expression",
    ["9**9**9", "2 ** 100000", "10 ** 1001", "99999 ** 999", "10.0 ** 1000", "(10**999) ** 2"],
)
def test_huge_powers_are_refused_before_they_are_computed(expression: str) -> None:
    with pytest.raises(CalculationError, match=r"too large|not a finite"):
        evaluate(expression)


def test_huge_products_are_refused() -> None:
    with pytest.raises(CalculationError, match="too large"):
        evaluate("10**999 * 10**999 * 10**999 * 10**999 * 10**999")
    with pytest.raises(CalculationError, match="not a finite"):
        evaluate("1e308 * 10")


def test_long_and_deeply_nested_inputs_are_refused() -> None:
    with pytest.raises(CalculationError, match="too long"):
        evaluate("1+" * MAX_EXPRESSION_LENGTH + "1")
    with pytest.raises(CalculationError):
        evaluate("(" * 240 + "1" + ")" * 240)
    assert evaluate("-" * 400 + "1") == 1


@given(
    a=st.integers(-(10**6), 10**6),
    b=st.integers(-(10**6), 10**6),
    op=st.sampled_from(["+", "-", "*"]),
)
def test_integer_arithmetic_matches_python(a: int, b: int, op: str) -> None:
    python = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]
    assert evaluate(f"{a} {op} ({b})") == python(a, b)


def test_summarize_reports_the_usual_statistics() -> None:
    s = summarize([24, 35, 45])
    assert (s.count, s.total, s.median, s.minimum, s.maximum) == (3, 104, 35, 24, 45)
    assert s.mean == pytest.approx(34.6667, abs=1e-4)
    assert s.stdev == pytest.approx(10.504, abs=1e-3)
    assert summarize([5]).stdev is None
    with pytest.raises(CalculationError):
        summarize([])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567, "1,234,567"),
        (2 / 3, "0.6667"),
        (29.5, "29.5"),
        (1200.0, "1,200"),
        (0.0000123, "1.23e-05"),
        (10**30, "1.000000e+30"),
        (-4, "-4"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text
