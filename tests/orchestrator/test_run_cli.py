import io

import pytest

from orchestrator.run import decide, parse_args

REQUEST = {"question": "Approve this answer?", "draft": "the draft"}


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_flags_decide_without_asking(capsys: pytest.CaptureFixture[str]) -> None:
    assert decide(REQUEST, parse_args(["--approve"]))["approved"] is True
    assert decide(REQUEST, parse_args(["--reject"]))["approved"] is False
    assert "the draft" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("typed", "approved"), [("", True), ("y", True), ("n", False), ("no", False)]
)
def test_terminal_prompt(monkeypatch: pytest.MonkeyPatch, typed: str, approved: bool) -> None:
    monkeypatch.setattr("sys.stdin", Tty())
    monkeypatch.setattr("builtins.input", lambda prompt: typed)
    assert decide(REQUEST, parse_args([]))["approved"] is approved


def test_no_terminal_approves_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert decide(REQUEST, parse_args([]))["approved"] is True
    assert "no terminal to ask" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--approve", "--reject"], "not allowed with"),
        (["  "], "the task is empty"),
        (["--mode", "x"], "invalid choice"),
    ],
)
def test_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err
