"""Find what there is to compute in free text: arithmetic expressions, and figures with units.

>>> [e.expression for e in find_expressions("What is (12,742 - 6,779) / 2?")]
['(12742 - 6779) / 2']
>>> [(q.value, q.unit) for q in find_quantities("Wind reached about 35% in 2023.")]
[(35, '%')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from example_agents.calculator import FUNCTIONS, Number
from example_agents.text import STOP_WORDS

__all__ = ["ExpressionMatch", "Quantity", "find_expressions", "find_quantities", "split_sentences"]

_SOURCE = re.compile(r"\s*\(source: (?P<source>[^()\s]+)\)\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:\d+\.|[-*•])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w.,/-])(?P<number>{_NUMBER})"
    r"(?:\s?(?P<unit>%|°[CF]|[A-Za-z$€£][A-Za-z0-9$€£/°²³]*))?"
)
_RANGE_TAIL = re.compile(rf"^\s*(?:-|\u2013|to|and)\s*(?={_NUMBER})")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNIT_ALIASES = {"percent": "%", "per cent": "%"}

_EXPRESSION_TOKEN = re.compile(
    rf"(?P<number>{_NUMBER}|\.\d+)"
    rf"|(?P<function>\b(?:{'|'.join(sorted(FUNCTIONS, key=len, reverse=True))})\b(?=\s*\())"
    r"|(?P<operator>\*\*|//|[-+*/%^\u00d7\u00f7])"
    r"|(?P<open>[(\[])|(?P<close>[)\]])|(?P<comma>,)|(?P<space>[ \t]+)"
    r"|(?P<other>\w+|.)",
    re.IGNORECASE,
)
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*-\s*(?:19|20)\d\d$")


@dataclass(frozen=True)
class ExpressionMatch:
    """An arithmetic expression found in text."""

    original: str
    """As written, e.g. ``12,742 ^ 2``."""
    expression: str
    """Ready for ``calculator.evaluate``, e.g. ``12742 * 2``."""
    start: int
    end: int


@dataclass(frozen=True)
class Quantity:
    """A figure in text: its value, its unit, and the sentence that says what it measures."""

    value: Number
    unit: str
    """``%``, ``MW``, ``USD/kWh``...; empty when the figure has none."""
    sentence: str
    passage: str = ""
    """The line the sentence is part of (a whole finding), for wider context."""
    source: str = ""
    """The note it came from, when the line cites one (``(source: wind-power.md)``)."""


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences at ``.``, ``!`` or ``?`` followed by a capital letter."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def find_expressions(text: str) -> list[ExpressionMatch]:
    """Return the arithmetic expressions written in ``text``, in order.

    An expression needs an operator between two operands (``2 + 3``) or a call of a
    known function (``mean(1, 2, 3)``); a lone number is a figure, not an expression.
    Thousands separators are removed, ``^`` means a power, and the multiplication
    and division signs (U+00D7, U+00F7) mean ``*`` and ``/``. Lines that quote a
    finding (``(source: ...)``) or an earlier result (``- ... = ...``) are skipped.
    Inside a call, separate the numbers with a comma and a space: ``mean(1, 200)``,
    since ``1,200`` reads as one thousand two hundred.
    """
    matches: list[ExpressionMatch] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if not (_SOURCE.search(line) or (line.lstrip().startswith("- ") and " = " in line)):
            matches += _expressions_in_line(line, offset)
        offset += len(line)
    return matches


def _expressions_in_line(line: str, offset: int) -> list[ExpressionMatch]:
    found: list[ExpressionMatch] = []
    run: list[re.Match[str]] = []
    for token in _EXPRESSION_TOKEN.finditer(line):
        if token.lastgroup == "other":
            found += _expression_of(run, line, offset)
            run = []
        else:
            run.append(token)
    found += _expression_of(run, line, offset)
    return found


def _expression_of(run: list[re.Match[str]], line: str, offset: int) -> list[ExpressionMatch]:
    """Trim a run of expression tokens and return it if it really is an expression."""
    trailing = {"operator", "comma", "space", "open"}
    while run and (run[-1].lastgroup in trailing):
        run.pop()
    while run and (
        run[0].lastgroup in {"comma", "space", "close"}
        or (run[0].lastgroup == "operator" and run[0].group() != "-")
    ):
        run.pop(0)
    depth = sum(1 if t.lastgroup == "open" else -1 if t.lastgroup == "close" else 0 for t in run)
    while run and depth < 0 and run[-1].lastgroup == "close":
        run.pop()
        depth += 1
    while run and depth > 0 and run[0].lastgroup == "open":
        run.pop(0)
        depth -= 1
    if not _is_expression(run):
        return []
    start, end = run[0].start(), run[-1].end()
    original = line[start:end]
    if _YEAR_RANGE.match(original):
        return []
    return [ExpressionMatch(original, _normalise(run), offset + start, offset + end)]


def _is_expression(run: list[re.Match[str]]) -> bool:
    kinds = [t.lastgroup for t in run if t.lastgroup != "space"]
    if "function" in kinds:
        return True
    return any(
        kind == "operator" and i > 0 and kinds[i - 1] in {"number", "close"}
        for i, kind in enumerate(kinds)
    )


def _normalise(run: list[re.Match[str]]) -> str:
    replace = {"^": "**", "\u00d7": "*", "\u00f7": "/", "[": "(", "]": ")"}
    parts = []
    for token in run:
        text = token.group()
        if token.lastgroup == "number":
            text = text.replace(",", "")
        elif token.lastgroup == "function":
            text = text.lower()
        parts.append(replace.get(text, text))
    return "".join(parts).strip()


def find_quantities(text: str) -> list[Quantity]:
    """Return the figures in ``text`` with their units, sentences and cited sources.

    Years (whole numbers from 1900 to 2100 without a unit), list numbers (``1.``) and
    headings (lines ending with ``:``) are left out. ``20 to 25 years`` gives two figures
    in years; ``1.4 billion`` is 1,400,000,000.
    """
    quantities: list[Quantity] = []
    for raw in text.splitlines():
        source_match = _SOURCE.search(raw)
        line = _LIST_MARKER.sub("", raw[: source_match.start()] if source_match else raw)
        if not line.strip() or line.rstrip().endswith(":"):
            continue
        source = source_match["source"] if source_match else ""
        for sentence in split_sentences(line):
            quantities += _quantities_in(sentence, line.strip(), source)
    return quantities


def _quantities_in(sentence: str, passage: str, source: str) -> list[Quantity]:
    figures = list(_FIGURE.finditer(sentence))
    units = [_unit_of(sentence, m) for m in figures]
    # "20 to 25 years": the first figure of a range takes the unit of the second.
    for i in range(len(figures) - 2, -1, -1):
        between = sentence[figures[i].end("number") : figures[i + 1].start()]
        if not units[i][0] and _RANGE_TAIL.match(between + figures[i + 1]["number"]):
            units[i] = (units[i + 1][0], units[i][1])
    found = []
    for match, (unit, scale) in zip(figures, units, strict=True):
        text = match["number"].replace(",", "")
        value: Number = float(text) if "." in text else int(text)
        if scale != 1:
            value = value * scale
        if isinstance(value, int) and not unit and 1900 <= value <= 2100:
            continue
        found.append(Quantity(value, unit, sentence, passage, source))
    return found


def _unit_of(sentence: str, match: re.Match[str]) -> tuple[str, float]:
    """Return the unit after a number and the scale word's factor (``million``: 1e6)."""
    unit = match["unit"] or ""
    scale = _SCALES.get(unit.lower(), 1.0)
    if scale != 1.0:
        following = re.match(r"\s+(%|[A-Za-z$€£][\w$€£/°]*)", sentence[match.end() :])
        unit = following.group(1) if following else ""
    unit = _UNIT_ALIASES.get(unit.lower(), unit).rstrip(".,;:")
    if unit.lower() in STOP_WORDS or unit.lower() in {"per", "percent"}:
        unit = ""
    return unit, scale
