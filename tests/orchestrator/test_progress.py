import io

from langchain_core.messages import AIMessageChunk

from orchestrator.progress import Progress


def test_lines_for_task_start_end_and_streamed_tokens() -> None:
    out = io.StringIO()
    progress = Progress(out, remotes={"research": "researcher", "write": "writer"})
    progress.show((), "tasks", {"name": "research", "input": {"question": "wind?"}})
    progress.show(("write:1",), "messages", (AIMessageChunk("Hel"), {}))
    progress.show(("write:1",), "messages", (AIMessageChunk("lo"), {}))
    progress.show((), "tasks", {"name": "write", "result": {}, "interrupts": [{"value": 1}]})
    progress.show((), "tasks", {"name": "merge", "result": {}, "interrupts": []})
    progress.show((), "tasks", {"name": "__start__", "input": {}})
    assert out.getvalue().splitlines() == [
        "-> research (remote researcher) started: wind?",
        "  ... write is writing: Hello",
        "|| write (remote writer) is waiting for approval",
        "<- merge done",
    ]
