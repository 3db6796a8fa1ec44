"""`make run` arguments and what a thread runs first (a new turn, or what it left pending)."""

from typing import Any

import pytest
from langgraph.types import Interrupt, StateSnapshot

from orchestrator.run import DEFAULT_TASK, first_payload, parse_args, preset
from remote_graphs import ConfigError

THREAD = "3f0c6bde-7b6f-4a39-9c63-5a3f1f0f7a11"


def snapshot(
    values: dict[str, Any], next: tuple[str, ...] = (), interrupts: tuple[Any, ...] = ()
) -> StateSnapshot:
    return StateSnapshot(values, next, {}, {}, None, None, (), interrupts)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--approve", "--reject"], "not allowed with"),
        (["  "], "the task is empty"),
        (["--graph", "nope"], "invalid choice"),
        (["--thread", "not-a-uuid"], "--thread must be a UUID"),
        (["--feedback", "x"], "--feedback goes with --reject"),
    ],
)
def test_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err


def test_flags_preset_the_approval() -> None:
    assert preset(parse_args(["--approve"])).approved is True
    rejected = preset(parse_args(["--reject", "--feedback", "shorter"]))
    assert (rejected.approved, rejected.feedback) == (False, "shorter")
    assert preset(parse_args([])).approved is None


def test_a_new_thread_starts_with_the_task_or_the_sample() -> None:
    assert first_payload(snapshot({}), "wind?", THREAD)["messages"][0].content == "wind?"
    assert first_payload(snapshot({}), None, THREAD)["messages"][0].content == DEFAULT_TASK


def test_pending_work_is_resumed_without_a_task() -> None:
    step = snapshot({"messages": []}, next=("research",))
    approval = snapshot({"messages": []}, next=("write",), interrupts=(Interrupt("ok?"),))
    assert first_payload(step, None, THREAD) is None
    assert first_payload(approval, None, THREAD) is None


def test_a_new_task_never_drops_pending_work() -> None:
    approval = snapshot({"messages": []}, next=("write",), interrupts=(Interrupt("ok?"),))
    with pytest.raises(
        ConfigError, match=f"has a pending approval; finish it first with make run THREAD={THREAD}"
    ):
        first_payload(approval, "And solar?", THREAD)


def test_a_finished_thread_needs_a_task() -> None:
    with pytest.raises(ConfigError, match="has nothing pending"):
        first_payload(snapshot({"messages": ["done"]}), None, THREAD)
