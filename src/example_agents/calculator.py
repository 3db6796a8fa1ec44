"""Safe arithmetic and statistics: parse with ``ast`` and evaluate only whitelisted nodes.

Never ``eval``: an expression is parsed and walked node by node, and anything that
is not a number, an arithmetic operator or one of a few functions is refused with a
message that says what was refused. Sizes are bounded so a request cannot tie up the
server (``9**9**9`` is refused before it is computed).

    >>> evaluate("mean(24, 35, 45) * 2")
    69.33333333333333
"""

from __future__ import annotations

import ast
import math
import operator
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "FUNCTIONS",
    "MAX_EXPONENT",
    "MAX_EXPRESSION_LENGTH",
    "MAX_INTEGER_BITS",
    "CalculationError",
    "Number",
    "Summary",
    "evaluate",
    "format_number",
    "summarize",
]

Number = int | float

MAX_EXPRESSION_LENGTH = 500
"""Longest expression accepted, in characters."""
MAX_EXPONENT = 1000
"""Largest absolute exponent accepted by ``**``."""
MAX_INTEGER_BITS = 4096
"""Largest integer result accepted (about 1,233 decimal digits)."""
MAX_ROUND_DIGITS = 15


class CalculationError(ValueError):
    """An expression that is not allowed, or cannot be computed; the message says why."""


def _numbers(args: Sequence[Number]) -> list[Number]:
    if not args:
        raise CalculationError("needs at least one number")
    return list(args)


def _stdev(args: Sequence[Number]) -> float:
    if len(args) < 2:
        raise CalculationError("stdev needs at least two numbers")
    return statistics.stdev(args)


def _sqrt(args: Sequence[Number]) -> float:
    (x,) = _exactly(1, "sqrt", args)
    if x < 0:
        raise CalculationError("sqrt of a negative number")
    return math.sqrt(x)


def _round(args: Sequence[Number]) -> Number:
    if len(args) not in (1, 2):
        raise CalculationError("round takes a number and optionally a number of digits")
    if len(args) == 1:
        return round(args[0])
    digits = args[1]
    if not isinstance(digits, int) or abs(digits) > MAX_ROUND_DIGITS:
        raise CalculationError(
            f"round's digits must be a whole number from 0 to {MAX_ROUND_DIGITS}"
        )
    return round(args[0], digits)


def _abs(args: Sequence[Number]) -> Number:
    (x,) = _exactly(1, "abs", args)
    return abs(x)


def _exactly(n: int, name: str, args: Sequence[Number]) -> Sequence[Number]:
    if len(args) != n:
        raise CalculationError(f"{name} takes exactly {n} number{'s' if n > 1 else ''}")
    return args


FUNCTIONS: dict[str, Callable[[Sequence[Number]], Number]] = {
    "abs": _abs,
    "max": lambda args: max(_numbers(args)),
    "mean": lambda args: statistics.fmean(_numbers(args)),
    "median": lambda args: statistics.median(_numbers(args)),
    "min": lambda args: min(_numbers(args)),
    "round": _round,
    "sqrt": _sqrt,
    "stdev": _stdev,
    "sum": lambda args: sum(_numbers(args)),
}
"""The functions an expression may call; each takes numbers or one list of numbers."""
FUNCTIONS["avg"] = FUNCTIONS["average"] = FUNCTIONS["mean"]

_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(expression: str) -> Number:
    """Compute an arithmetic expression safely.

    Allowed: numbers, ``+ - * / // % **``, unary ``-``/``+``, parentheses, and calls of
    the functions in ``FUNCTIONS`` on numbers or on one ``[list]`` of numbers.

    Raises:
        CalculationError: The expression is too long, is not arithmetic, uses anything
            outside the whitelist, or cannot be computed (division by zero, a result
            too large). The message is meant for the person who asked.
    """
    text = expression.strip()
    if not text:
        raise CalculationError("the expression is empty")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise CalculationError(
            f"the expression is too long ({len(text)} characters, the limit is "
            f"{MAX_EXPRESSION_LENGTH})"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise CalculationError(f"not a valid arithmetic expression ({exc.msg})") from None
    try:
        result = _Evaluator().visit(tree.body)
    except CalculationError:
        raise
    except ZeroDivisionError:
        raise CalculationError("division by zero") from None
    except OverflowError:
        raise CalculationError("the result is too large") from None
    except RecursionError:
        raise CalculationError("the expression is nested too deeply") from None
    except (ValueError, TypeError, statistics.StatisticsError) as exc:
        raise CalculationError(f"cannot compute it: {exc}") from None
    return _checked(result)


def _checked(value: object) -> Number:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CalculationError("the result is not a real number")
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationError("the result is not a finite number")
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        raise CalculationError("the result is too large")
    return value


class _Evaluator(ast.NodeVisitor):
    """Walk an expression tree, computing whitelisted nodes and refusing all others."""

    def visit_Constant(self, node: ast.Constant) -> Number:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CalculationError(f"only numbers are allowed, not {value!r}")
        return _checked(value)

    def visit_BinOp(self, node: ast.BinOp) -> Number:
        op = _BINARY.get(type(node.op))
        if op is None:
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise CalculationError(f"the operator {_symbol(node.op)} is not allowed{hint}")
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        return _checked(op(left, right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Number:
        op = _UNARY.get(type(node.op))
        if op is None:
            raise CalculationError(f"the operator {_symbol(node.op)} is not allowed")
        return op(self.visit(node.operand))

    def visit_Call(self, node: ast.Call) -> Number:
        if isinstance(node.func, ast.Attribute):
            return self.visit_Attribute(node.func)
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise CalculationError(
                f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}"
            )
        if node.keywords:
            raise CalculationError(f"{node.func.id} takes no keyword arguments")
        args: list[Number] = []
        if len(node.args) == 1 and isinstance(node.args[0], ast.List | ast.Tuple):
            args = [self.visit(element) for element in node.args[0].elts]
        else:
            args = [self.visit(arg) for arg in node.args]
        return _checked(FUNCTIONS[node.func.id](args))

    def visit_Name(self, node: ast.Name) -> Number:
        raise CalculationError(f"unknown name {node.id!r}; only numbers and functions are allowed")

    def visit_Attribute(self, node: ast.Attribute) -> Number:
        raise CalculationError(f"attribute access ({ast.unparse(node)}) is not allowed")

    def visit_List(self, node: ast.List) -> Number:
        raise CalculationError("a list is only allowed as the argument of a function")

    visit_Tuple = visit_List  # type: ignore[assignment]

    def generic_visit(self, node: ast.AST) -> Number:
        raise CalculationError(f"{type(node).__name__} is not allowed in an expression")


def _check_power(base: Number, exponent: Number) -> None:
    """Refuse powers whose result would be huge, before computing them."""
    if abs(exponent) > MAX_EXPONENT:
        raise CalculationError(
            f"the exponent {format_number(exponent)} is too large (limit {MAX_EXPONENT})"
        )
    exact = isinstance(base, int) and isinstance(exponent, int)
    bits = exponent * math.log2(abs(base)) if exact and abs(base) > 1 else 0.0
    if bits > MAX_INTEGER_BITS:
        raise CalculationError("the result is too large")


def _symbol(op: ast.AST) -> str:
    symbols = {
        ast.BitXor: "^",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.MatMult: "@",
        ast.Invert: "~",
        ast.Not: "not",
    }
    return symbols.get(type(op), type(op).__name__)


@dataclass(frozen=True)
class Summary:
    """Descriptive statistics of a list of numbers."""

    count: int
    total: float
    mean: float
    median: float
    minimum: float
    maximum: float
    stdev: float | None
    """Sample standard deviation; ``None`` for a single value."""


def summarize(values: Sequence[Number]) -> Summary:
    """Return count, sum, mean, median, min, max and standard deviation of ``values``.

    Raises:
        CalculationError: ``values`` is empty.
    """
    if not values:
        raise CalculationError("there are no numbers to summarise")
    return Summary(
        count=len(values),
        total=math.fsum(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        minimum=min(values),
        maximum=max(values),
        stdev=statistics.stdev(values) if len(values) > 1 else None,
    )


def format_number(value: Number) -> str:
    """Write a number for people: thousands separators, at most four decimals."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if value.bit_length() < 64 else f"{value:.6e}"
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e15 or abs(value) < 1e-4):
        return f"{value:.6g}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")
