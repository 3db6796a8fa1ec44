from __future__ import annotations

import pytest

from example_agents.figures import find_expressions, find_quantities, split_sentences


@pytest.mark.parametrize(
    ("text", "expressions"),
    [
        ("What is (12,742 - 6,779) / 2?", ["(12742 - 6779) / 2"]),
        ("Compute mean(24, 35, 45) and 2^10 please", ["mean(24, 35, 45)", "2**10"]),
        ("(what is 2+3)", ["2+3"]),
        ("What is 9200 / 2190?", ["9200 / 2190"]),
        ("MEAN(1, 2) then 3 \u00d7 4 and 8 \u00f7 2", ["mean(1, 2)", "3 * 4", "8 / 2"]),
        ("the mean([1, 2, 3]) of it", ["mean((1, 2, 3))"]),
        ("In 2023 the share was 15% of 80", []),
        ("between 2020-2023", []),
        ("COVID-19 cases", []),
        ("A lone 42.", []),
        ("1. Solar is 24%. (source: solar-power.md)\n- 2 + 2 = 4", []),
    ],
)
def test_find_expressions(text: str, expressions: list[str]) -> None:
    assert [m.expression for m in find_expressions(text)] == expressions


def test_expression_positions_point_at_the_original_text() -> None:
    text = "first line\nthen 3 + 4, fine"
    (match,) = find_expressions(text)
    assert text[match.start : match.end] == match.original == "3 + 4"


def test_find_quantities_reads_units_ranges_scales_and_sources() -> None:
    text = (
        "1. Turbines run for 20 to 25 years, about 1.4 billion people, 3MW, 600 kWh a year, "
        "40\u201350 percent. In 2023, 510 GW. (source: wind-power.md)"
    )
    found = [(q.value, q.unit) for q in find_quantities(text)]
    assert found == [
        (20, "years"),
        (25, "years"),
        (1.4e9, "people"),
        (3, "MW"),
        (600, "kWh"),
        (40, "%"),
        (50, "%"),
        (510, "GW"),
    ]
    assert {q.source for q in find_quantities(text)} == {"wind-power.md"}
    assert find_quantities(text)[-1].sentence == "In 2023, 510 GW."


def test_find_quantities_skips_years_list_numbers_headings_and_digits_in_words() -> None:
    text = 'Findings for "42 things":\n2. In 2023 the gCO2/kWh of CO2 fell to 11 gCO2/kWh.'
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(11, "gCO2/kWh")]
    assert [q.value for q in find_quantities("12,742 km and 0.044 USD/kWh")] == [12742, 0.044]


def test_split_sentences_keeps_decimals_together() -> None:
    assert split_sentences("It is 0.5% a year. Next one! (Aside.)") == [
        "It is 0.5% a year.",
        "Next one!",
        "(Aside.)",
    ]
