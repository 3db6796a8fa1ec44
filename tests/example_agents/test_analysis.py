from __future__ import annotations

from example_agents.analysis import (
    NOTHING_TO_DO,
    analyze,
    asks_for_calculation,
    focus_words,
    parse_analysis,
    strip_results,
)
from example_agents.findings import format_findings
from example_agents.search import default_index

CAPACITY_TASK = (
    "How much electricity do solar panels and wind turbines produce? "
    "What is the average of their capacity factors?"
)


def research(*questions: str) -> str:
    index = default_index()
    return "Research findings:\n\n" + "\n\n".join(
        format_findings(q, index.search(q)) for q in questions
    )


def test_computes_the_expressions_in_the_request() -> None:
    report = analyze("What is (9200 - 2190) / 2190, and mean(24, 35, 45)?")
    assert report.splitlines() == [
        "Analysis:",
        "- (9200 - 2190) / 2190 = 3.2009",
        "- mean(24, 35, 45) = 34.6667",
    ]


def test_bad_expressions_get_a_message_not_an_error() -> None:
    report = analyze("What is 9**9**9 and 1/0 and 2 + 2?")
    assert "- could not compute 9**9**9: the exponent 387,420,489 is too large" in report
    assert "- could not compute 1/0: division by zero" in report
    assert "- 2 + 2 = 4" in report


def test_summarises_the_figures_in_the_request_itself() -> None:
    report = analyze("What is the mean of 3, 5 and 8?")
    assert "- 3 figures without a unit: 3, 5, 8; mean 5.3333, median 5" in report


def test_averages_the_capacity_factors_the_researcher_found() -> None:
    findings = research("How much electricity do solar panels and wind turbines produce")
    report = analyze(CAPACITY_TASK, [findings])
    assert report.startswith("Analysis of figures about capacity, factor:")
    assert "35% (wind-power.md)" in report
    assert "24% (solar-power.md)" in report
    assert "mean 29.5%" in report
    assert "GW" not in report


def test_picks_the_unit_and_sentences_the_question_is_about() -> None:
    task = "Compare the lifecycle emissions of coal, gas, solar and wind. What is the average?"
    report = analyze(task, [research("lifecycle emissions of coal gas solar and wind")])
    assert "gCO2/kWh" in report
    assert "%" not in report
    cost = analyze(
        "What does electricity cost from solar, onshore wind and offshore wind? What is the mean?",
        [research("cost of electricity from solar and wind")],
    )
    assert "3 figures in USD/kWh" in cost and "mean 0.0507 USD/kWh" in cost


def test_repeated_passages_count_once() -> None:
    findings = research("offshore wind capacity factor")
    once = analyze("What is the average capacity factor?", [findings])
    twice = analyze("What is the average capacity factor?", [findings, findings])
    assert once == twice


def test_says_so_when_there_is_nothing_to_compute() -> None:
    assert analyze("Hello there") == NOTHING_TO_DO
    assert analyze("", ["No numbers here."]) == NOTHING_TO_DO


def test_focus_comes_from_the_sentence_that_asks() -> None:
    focus, context = focus_words(CAPACITY_TASK)
    assert focus == {"capacity", "factor"}
    assert {"solar", "wind"} <= context
    assert asks_for_calculation("What is the total?")
    assert not asks_for_calculation("What is solar power?")


def test_reads_findings_quoted_in_a_supervisor_request() -> None:
    quoted = f"{CAPACITY_TASK}\n\nWhat the other agents reported:\n" + research(
        "solar and wind capacity factor"
    )
    report = analyze(quoted)
    assert "%" in report and "mean" in report


def test_earlier_results_quoted_again_are_not_analysed_as_figures() -> None:
    report = analyze("Figures: 24% and 35%. What is the mean?")
    assert "mean 29.5%" in report
    assert parse_analysis(report) == report.splitlines()[1:]
    assert analyze("What is the mean now?", [report]) == NOTHING_TO_DO
    assert strip_results("keep\n- 2 figures in %: 1%\n- 1 + 1 = 2\n- could not compute x: y") == (
        "keep"
    )
