"""Tokenise English text for ranking and matching: lower case, no stop words, light stemming."""

from __future__ import annotations

import re

__all__ = ["STOP_WORDS", "content_words", "stem", "tokenize"]

_WORD = re.compile(r"[a-z0-9]+")

_STOP_WORD_LIST = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through
to too under until up very was we were what when where which while who whom why will with
would you your yours much many tell give show please
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
"""Words too common to say what a text is about."""


def stem(word: str) -> str:
    """Strip common plural endings, so that "factors" matches "factor".

    Deliberately light: a full stemmer would be overkill for a small collection and
    harder to predict when reading the ranking.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Return the stemmed content words of ``text``, in order, repeats kept."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def content_words(text: str) -> frozenset[str]:
    """Return the distinct stemmed content words of ``text``."""
    return frozenset(tokenize(text))
