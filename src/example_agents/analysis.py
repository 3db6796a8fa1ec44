"""The analyst's report: compute what the request asks, and summarise the figures around it.

Two kinds of work, both shown with their inputs so a reader can check them:

* expressions written in the request (``(9200 - 2190) / 2190``, ``mean(24, 35, 45)``)
  are computed with the safe calculator;
* figures found in the request and in the other agents' notes are grouped by unit and
  summarised (count, sum, mean, median, min, max, standard deviation). When the
  request asks for a calculation ("What is the average of their capacity factors?"),
  only the figures whose sentences share the most words with that question are used.

The report starts with a line beginning ``Analysis`` and lists results as ``- `` items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from example_agents.calculator import CalculationError, evaluate, format_number, summarize
from example_agents.figures import Quantity, find_expressions, find_quantities, split_sentences
from example_agents.text import content_words

__all__ = [
    "ANALYSIS_HEADER",
    "MAX_GROUPS",
    "analyze",
    "asks_for_calculation",
    "focus_words",
    "parse_analysis",
    "select_relevant",
    "strip_results",
]

ANALYSIS_HEADER = "Analysis"
MAX_GROUPS = 3
"""At most this many units are summarised, the largest groups first."""
NOTHING_TO_DO = (
    f"{ANALYSIS_HEADER}: I found no expression and no figures to compute with. "
    'Write an expression such as "mean(24, 35, 45)" or "(9200 - 2190) / 2190", '
    "or ask the researcher for figures first."
)
_RESULT = re.compile(r"^\s*- (?:\d+ figures? (?:in |without a unit)|could not compute |.* = )")
OPERATION_WORDS = content_words(
    "average averages mean median sum total add compute calculate calculation difference "
    "ratio compare comparison deviation stdev spread minimum maximum min max highest lowest "
    "largest smallest combined percentage figure figures number numbers value values what"
)
"""Words that ask for a calculation; they say what to do, not what to do it with."""


def analyze(request: str, notes: Sequence[str] = ()) -> str:
    """Return the analyst's report for ``request``, using the figures in ``notes`` too.

    Args:
        request: The latest human message; its expressions are computed.
        notes: Other agents' messages of the same turn, e.g. the researcher's findings.
    """
    expressions = find_expressions(request)
    lines = [_computed(m.original, m.expression) for m in expressions]
    blanked = _without(request, [(m.start, m.end) for m in expressions])
    in_request = find_quantities(strip_results(blanked))
    asked = [f for f in in_request if not f.source]
    found = [f for f in in_request if f.source]
    found += [f for note in notes for f in find_quantities(strip_results(note))]
    groups, matched = select_relevant(_unique(asked), _unique(found), request)
    lines += [_summary(unit, group) for unit, group in groups]
    if not lines:
        return NOTHING_TO_DO
    about = f" of figures about {', '.join(sorted(matched))}" if matched else ""
    return "\n".join([f"{ANALYSIS_HEADER}{about}:", *lines])


def parse_analysis(text: str) -> list[str]:
    """Return the ``- `` result lines under ``Analysis...:`` headers in ``text``, in order."""
    results: list[str] = []
    inside = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(ANALYSIS_HEADER) and stripped.endswith(":"):
            inside = True
        elif inside and stripped.startswith("- "):
            results.append(stripped)
        else:
            inside = False
    return results


def strip_results(text: str) -> str:
    """Remove lines that report earlier results, so they are not analysed again as figures.

    These are the analyst's own ``- `` result lines, wherever they are quoted (in a
    later request, or in the writer's answer).
    """
    return "\n".join(line for line in text.splitlines() if not _RESULT.match(line))


def focus_words(request: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the words that say what to compute with, and the rest of the request's words.

    The first set comes from the request's sentences that ask for a calculation ("What
    is the average of their capacity factors?"), the second from its other sentences
    ("How much do solar panels produce?"), which tell which figures "their" means.
    Without a sentence that asks, every word is in the first set. Calculation words,
    numbers and lines that quote findings (``(source: ...)``) are left out.
    """
    own = " ".join(line for line in request.splitlines() if "(source: " not in line)
    sentences = split_sentences(own)
    asking = [s for s in sentences if content_words(s) & OPERATION_WORDS] or sentences
    others = [s for s in sentences if s not in asking]
    focus = _words(asking)
    if not focus:  # "What is their total?": what "their" means is in the other sentences
        return _words(others), frozenset()
    return focus, _words(others) - focus


def _words(sentences: Sequence[str]) -> frozenset[str]:
    words = frozenset().union(*(content_words(s) for s in sentences))
    return frozenset(w for w in words - OPERATION_WORDS if not w.isdigit())


def select_relevant(
    asked: Sequence[Quantity], found: Sequence[Quantity], request: str
) -> tuple[list[tuple[str, list[Quantity]]], frozenset[str]]:
    """Choose the figures that fit the request, grouped by unit; return them and the words matched.

    Each figure is ranked by: written in the request itself; focus words (see
    ``focus_words``) its sentence shares; focus words its whole passage shares;
    context words its sentence shares. Figures with no match at all are dropped
    (when nothing matches, every figure is kept, in the largest units). Only the units
    whose figures match best are kept. Within a unit, the highest rank that still
    leaves at least two figures wins when the request asks for a calculation, so that
    an average has something to average; otherwise the best figure alone may do.

    Args:
        asked: Figures in the request's own words.
        found: Figures in the notes, or quoted in the request with their source.
        request: The latest human message.
    """
    focus, context = focus_words(request)
    figures = [*asked, *found]
    ranks = {
        id(f): (
            int(f in asked),
            len(content_words(f.sentence) & focus),
            len(content_words(f.passage) & focus),
            len(content_words(f.sentence) & context),
        )
        for f in figures
    }
    candidates = [f for f in figures if any(ranks[id(f)][:3])]
    if not candidates:
        return _largest_groups(_by_unit(figures)), frozenset()
    groups = _by_unit(candidates)

    def strength(group: list[Quantity]) -> tuple[int, int, int]:
        asked, sentence = max(ranks[id(f)][:2] for f in group)
        return asked, sentence, sum(ranks[id(f)][:2] == (asked, sentence) for f in group)

    best = max(strength(group) for _, group in groups)
    wanted = 2 if asks_for_calculation(request) else 1
    chosen = [
        (unit, _best_of(group, ranks, wanted)) for unit, group in groups if strength(group) == best
    ][:MAX_GROUPS]
    matched = frozenset().union(
        *(content_words(f.passage) & focus for _, group in chosen for f in group)
    )
    return chosen, matched


def asks_for_calculation(request: str) -> bool:
    """Tell whether the request uses a word that asks for a calculation ("average"...)."""
    return bool(content_words(request) & OPERATION_WORDS - {"what"})


Rank = tuple[int, int, int, int]


def _best_of(group: list[Quantity], ranks: dict[int, Rank], wanted: int) -> list[Quantity]:
    """Keep the best-ranked figures of one unit: at least ``wanted`` of them when there are."""

    def key(f: Quantity) -> tuple[int, int, int]:
        asked, sentence, _passage, context = ranks[id(f)]
        return asked, sentence, context

    for threshold in sorted({key(f) for f in group}, reverse=True):
        kept = [f for f in group if key(f) >= threshold]
        if len(kept) >= wanted:
            return kept
    return group


def _by_unit(figures: Sequence[Quantity]) -> list[tuple[str, list[Quantity]]]:
    """Group figures by unit, units in order of first appearance, figures in order."""
    groups: dict[str, list[Quantity]] = {}
    for f in figures:
        groups.setdefault(f.unit, []).append(f)
    return list(groups.items())


def _largest_groups(
    groups: Sequence[tuple[str, list[Quantity]]],
) -> list[tuple[str, list[Quantity]]]:
    """Keep at most ``MAX_GROUPS`` units, the largest first (stable for ties).

    A lone figure beside a real group is usually noise, so it is kept only when alone.
    """
    ordered = sorted(groups, key=lambda g: -len(g[1]))
    if ordered and len(ordered[0][1]) > 1:
        ordered = [g for g in ordered if len(g[1]) > 1]
    return ordered[:MAX_GROUPS]


def _computed(original: str, expression: str) -> str:
    try:
        return f"- {original} = {format_number(evaluate(expression))}"
    except CalculationError as exc:
        return f"- could not compute {original}: {exc}"


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Blank out the given spans, so an expression's numbers are not figures as well."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _unique(figures: Sequence[Quantity]) -> list[Quantity]:
    """Drop repeats: parallel research branches often quote the same passage."""
    seen: set[tuple[float, str, str, str]] = set()
    unique = []
    for f in figures:
        key = (float(f.value), f.unit, f.sentence, f.source)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _summary(unit: str, group: Sequence[Quantity]) -> str:
    s = summarize([f.value for f in group])

    def show(value: float) -> str:
        return _with_unit(format_number(value), unit)

    values = ", ".join(show(f.value) + (f" ({f.source})" if f.source else "") for f in group)
    label = f"in {unit}" if unit else "without a unit"
    if s.count == 1:
        return f"- 1 figure {label}: {values}"
    stats = [
        f"mean {show(s.mean)}",
        f"median {show(s.median)}",
        f"min {show(s.minimum)}",
        f"max {show(s.maximum)}",
        f"range {show(s.maximum - s.minimum)}",
        f"sum {show(s.total)}",
    ]
    if s.stdev is not None:
        stats.append(f"standard deviation {show(s.stdev)}")
    return f"- {s.count} figures {label}: {values}; {', '.join(stats)}"


def _with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit in {"%", "°C", "°F"} else f"{number} {unit}"
