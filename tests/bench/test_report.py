"""The README's generated performance block: built from the anchor rows, written between markers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench import anchors
from bench.common import Row, Section, Stat
from bench.report import README_END, README_START, readme_block, update_readme

WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def _row(figure: str, baseline: str, score: float, target: float | None = None) -> Row:
    return Row(figure, baseline, "ratio", score, Stat(score, score, score, 1), target)


def _sections() -> list[Section]:
    fake = Section("A. Anchors on the fake server", "")
    fake.rows = [
        _row(anchors.PROJECT, anchors.UP, 0.95, target=1.0),
        _row(anchors.PROJECT_DB, anchors.UP_DB, 1.2, target=1.0),
    ]
    real = Section("B. Anchors on a real server", "", skipped="--no-real was given.")
    growth = Section("5. Growth", "")
    growth.rows = [Row("RSS after 1000 runs", "-", "diff", 0.4, Stat(0.4, 0.4, 0.4, 1), 10, "MB")]
    return [fake, real, growth]


def test_the_block_shows_each_anchor_figure_with_its_verdict_per_server() -> None:
    block = readme_block(_sections(), WHEN)
    assert block.startswith(README_START) and block.endswith(README_END)
    assert (
        "| `remote_node` stateless / bare `RemoteGraph` | 0.950x (met <= 1.000x) | not run |"
        in (block)
    )
    assert "1.200x (missed <= 1.000x)" in block
    assert "Growth: RSS after 1000 runs: +0.4 MB." in block
    assert "2026-01-02" in block


def test_only_the_text_between_the_markers_is_replaced(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{README_START}\nold\n{README_END}\nafter\n")
    assert update_readme(readme, f"{README_START}\nnew\n{README_END}")
    assert readme.read_text() == f"# Title\n\nbefore\n{README_START}\nnew\n{README_END}\nafter\n"


def test_a_readme_without_markers_is_left_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n")
    assert not update_readme(readme, f"{README_START}\nnew\n{README_END}")
    assert readme.read_text() == "# Title\n"
