"""The bundled document collection and a small BM25 search over its passages.

Each note in ``corpus/`` is a markdown file: a ``# Title`` line, then paragraphs.
Every paragraph is one passage. A passage is indexed with its note's title, so a
paragraph about capacity factors in the wind note also matches "wind".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from example_agents.text import tokenize

__all__ = ["Hit", "Passage", "SearchIndex", "default_index", "load_corpus", "parse_note"]

CORPUS_PACKAGE = "example_agents"
CORPUS_FOLDER = "corpus"
DEFAULT_LIMIT = 4


@dataclass(frozen=True)
class Passage:
    """One paragraph of a note, with where it came from."""

    source: str
    """File name of the note, e.g. ``wind-power.md``."""
    title: str
    """The note's title, from its ``# `` line."""
    text: str
    """The paragraph, on one line."""


@dataclass(frozen=True)
class Hit:
    """A passage that matched a query, and how well (BM25 score, higher is better)."""

    passage: Passage
    score: float


def parse_note(source: str, markdown: str) -> list[Passage]:
    """Split one note into passages: its paragraphs, each joined onto one line.

    Args:
        source: The note's file name, kept on each passage for citing.
        markdown: The note's text; a first ``# `` line is taken as the title.
    """
    title = source.removesuffix(".md").replace("-", " ")
    paragraphs: list[str] = []
    for block in markdown.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines and lines[0].startswith("# "):
            title = lines.pop(0)[2:].strip()
        if lines:
            paragraphs.append(" ".join(lines))
    return [Passage(source=source, title=title, text=p) for p in paragraphs]


@cache
def load_corpus() -> tuple[Passage, ...]:
    """Return every passage of the bundled notes, in file-name order.

    Read through ``importlib.resources``, so it works from a checkout and when installed.
    """
    folder = resources.files(CORPUS_PACKAGE).joinpath(CORPUS_FOLDER)
    notes = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )
    return tuple(
        passage
        for note in notes
        for passage in parse_note(note.name, note.read_text(encoding="utf-8"))
    )


@dataclass
class SearchIndex:
    """Okapi BM25 ranking over a fixed list of passages.

    Attributes:
        passages: The passages, in the order given.
        k1: Term-frequency saturation: how much repeating a word still counts.
        b: Length normalisation: 0 ignores passage length, 1 normalises fully.
    """

    passages: Sequence[Passage]
    k1: float = 1.5
    b: float = 0.75
    _terms: list[Counter[str]] = field(init=False, repr=False)
    _lengths: list[int] = field(init=False, repr=False)
    _idf: dict[str, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._terms = [Counter(tokenize(f"{p.title} {p.text}")) for p in self.passages]
        self._lengths = [sum(terms.values()) for terms in self._terms]
        n = len(self.passages)
        frequency: Counter[str] = Counter(word for terms in self._terms for word in terms)
        # The "+1" form of BM25's idf stays positive even for words in most passages.
        self._idf = {
            word: math.log(1 + (n - df + 0.5) / (df + 0.5)) for word, df in frequency.items()
        }

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """Return up to ``limit`` passages that share words with ``query``, best first.

        Ties keep the collection's order, so results are reproducible.
        """
        words = set(tokenize(query))
        if not words or limit < 1 or not self.passages:
            return []
        average = sum(self._lengths) / len(self._lengths) or 1.0
        scored = [
            Hit(passage, score)
            for passage, terms, length in zip(
                self.passages, self._terms, self._lengths, strict=True
            )
            if (score := self._score(words, terms, length / average)) > 0
        ]
        scored.sort(key=lambda hit: -hit.score)
        return scored[:limit]

    def _score(self, words: Iterable[str], terms: Counter[str], relative_length: float) -> float:
        total = 0.0
        for word in words:
            tf = terms.get(word, 0)
            if tf:
                norm = self.k1 * (1 - self.b + self.b * relative_length)
                total += self._idf[word] * tf * (self.k1 + 1) / (tf + norm)
        return total


@cache
def default_index() -> SearchIndex:
    """Return the index over the bundled notes, built once per process."""
    return SearchIndex(load_corpus())
