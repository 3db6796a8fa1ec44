from __future__ import annotations

from example_agents.findings import Finding, format_findings, parse_findings
from example_agents.search import Hit, Passage, SearchIndex, default_index, load_corpus, parse_note
from example_agents.text import content_words, stem, tokenize


def test_tokenize_drops_stop_words_and_stems_plurals() -> None:
    assert tokenize("What are the capacity factors of wind turbines?") == [
        "capacity",
        "factor",
        "wind",
        "turbine",
    ]
    assert stem("batteries") == "battery"
    assert stem("gas") == "gas"
    assert stem("process") == "process"
    assert content_words("the the wind") == frozenset({"wind"})


def test_corpus_has_between_8_and_15_notes_each_with_a_title_and_passages() -> None:
    passages = load_corpus()
    notes = {p.source for p in passages}
    assert 8 <= len(notes) <= 15
    assert all(p.source.endswith(".md") and p.title and p.text for p in passages)
    assert all("\n" not in p.text for p in passages)
    assert sum(any(ch.isdigit() for ch in p.text) for p in passages) >= 15


def test_parse_note_splits_paragraphs_and_keeps_the_title() -> None:
    note = "# Wind\n\nFirst line\ncontinues.\n\n\nSecond paragraph.\n"
    assert parse_note("wind.md", note) == [
        Passage("wind.md", "Wind", "First line continues."),
        Passage("wind.md", "Wind", "Second paragraph."),
    ]
    assert parse_note("no-title.md", "Just text.")[0].title == "no title"


def test_search_ranks_the_most_specific_passage_first() -> None:
    hits = default_index().search("lifecycle emissions of coal")
    assert hits[0].passage.source == "lifecycle-emissions.md"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert default_index().search("offshore wind capacity factor")[0].passage.source == (
        "offshore-wind.md"
    )


def test_search_respects_limit_and_ignores_stop_words_and_unknown_words() -> None:
    index = default_index()
    assert len(index.search("solar", limit=2)) == 2
    assert index.search("what is the", limit=4) == []
    assert index.search("zebra quasar") == []
    assert index.search("solar", limit=0) == []


def test_bm25_prefers_rarer_words_and_handles_an_empty_index() -> None:
    passages = [
        Passage("a.md", "A", "sun sun sun common"),
        Passage("b.md", "B", "rare common"),
        Passage("c.md", "C", "common words only"),
    ]
    index = SearchIndex(passages)
    assert index.search("rare")[0].passage.source == "b.md"
    assert index.search("sun")[0].passage.source == "a.md"
    assert SearchIndex([]).search("sun") == []


def test_findings_format_round_trips_and_says_when_nothing_matched() -> None:
    hits = default_index().search("battery prices")
    text = format_findings("battery prices", hits)
    assert text.splitlines()[0] == 'Findings for "battery prices":'
    assert parse_findings(text) == [Finding(h.passage.text, h.passage.source) for h in hits]
    empty = format_findings("zebra 42", [], collection="the notes")
    assert empty.startswith("No findings in the notes")
    assert "42" not in empty  # the analyst would read the query's figures as findings
    assert parse_findings(empty) == []


def test_hit_is_a_plain_value() -> None:
    p = Passage("x.md", "X", "text")
    assert Hit(p, 1.0) == Hit(p, 1.0)
