"""`make run` end to end over the children on real `langgraph dev` servers."""

from pathlib import Path
from typing import Any

import pytest

from orchestrator import run
from orchestrator.children import discover_children, url_variables

ROOT = Path(__file__).resolve().parents[2]
TASK = (
    "How much electricity do wind turbines produce? What is the average of their capacity factors?"
)
pytestmark = pytest.mark.real_server


@pytest.fixture
def children_env(real_children: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, url in url_variables(discover_children(), real_children).items():
        monkeypatch.setenv(name, url)
    return real_children


def test_make_run_command(
    children_env: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = run.main(["--approve", "--db", str(tmp_path / "run.sqlite")])
    out = capsys.readouterr().out
    assert code == 0
    assert "-> research (remote researcher) started" in out
    assert "write is writing:" in out and "== approval requested" in out
    assert "== answer" in out and "capacity factor" in out.split("== answer", 1)[1]
    thread = out.split("thread: ", 1)[1].split()[0]
    code = run.main(
        ["And solar panels?", "--reject", "--thread", thread, "--db", str(tmp_path / "run.sqlite")]
    )
    assert code == 0 and "rejected" in capsys.readouterr().out.split("== answer", 1)[1].lower()


def test_run_refuses_a_bad_thread_before_starting_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        run.main(["--thread", "not-a-uuid"])
    assert "--thread must be a UUID" in capsys.readouterr().err
