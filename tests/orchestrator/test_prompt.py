"""The approval prompt: flags, the terminal (with feedback on rejection), no terminal, EOF."""

import io
from collections.abc import Iterator

import pytest

from orchestrator.prompt import NoAnswer, Preset, answer

REQUEST = {
    "question": "Approve this answer?",
    "draft": "the draft",
    "accepts": {"approved": "true publishes the draft, false rejects it"},
}


def typed(*lines: str) -> Iterator[str]:
    return iter(lines)


def asker(lines: Iterator[str], prompts: list[str]) -> object:
    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    return ask


def test_flags_decide_without_asking() -> None:
    out = io.StringIO()
    assert answer(REQUEST, Preset(approved=True), interactive=True, out=out) == {"approved": True}
    rejected = answer(REQUEST, Preset(approved=False, feedback="shorter"), out=out)
    assert rejected == {"approved": False, "feedback": "shorter"}
    assert "the draft" in out.getvalue() and "rejected: shorter" in out.getvalue()


@pytest.mark.parametrize(("reply", "approved"), [("", True), ("y", True), ("YES", True)])
def test_terminal_approval(reply: str, approved: bool) -> None:
    prompts: list[str] = []
    ask = asker(typed(reply), prompts)
    assert answer(REQUEST, Preset(), interactive=True, ask=ask, out=io.StringIO()) == {  # type: ignore[arg-type]
        "approved": approved
    }
    assert prompts == ["Approve? [Y/n] "]


def test_rejecting_asks_what_to_change() -> None:
    prompts: list[str] = []
    ask = asker(typed("n", "  cite the sources  "), prompts)
    result = answer(REQUEST, Preset(), interactive=True, ask=ask, out=io.StringIO())  # type: ignore[arg-type]
    assert result == {"approved": False, "feedback": "cite the sources"}
    assert prompts[1] == "What should change? (Enter to skip) "


def test_rejecting_without_feedback_sends_none() -> None:
    ask = asker(typed("no", ""), [])
    assert answer(REQUEST, Preset(), interactive=True, ask=ask, out=io.StringIO()) == {  # type: ignore[arg-type]
        "approved": False
    }


def test_no_terminal_approves_and_says_so() -> None:
    out = io.StringIO()
    assert answer(REQUEST, Preset(), interactive=False, out=out) == {"approved": True}
    assert "no terminal to ask" in out.getvalue()


def test_end_of_input_is_no_answer() -> None:
    def closed(prompt: str) -> str:
        raise EOFError

    with pytest.raises(NoAnswer):
        answer(REQUEST, Preset(), interactive=True, ask=closed, out=io.StringIO())


def test_a_refused_answer_is_shown() -> None:
    out = io.StringIO()
    answer({**REQUEST, "error": "say true or false"}, Preset(approved=True), out=out)
    assert "the last answer was not accepted: say true or false" in out.getvalue()
