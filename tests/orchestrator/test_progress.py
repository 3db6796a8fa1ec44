import io

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

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


def test_tool_calls_of_the_graph_are_shown_not_those_inside_a_remote() -> None:
    out = io.StringIO()
    progress = Progress(out, remote_tools={"researcher"})
    request = "How much do wind turbines produce?\n- a long quoted finding"
    call = AIMessage(
        "", tool_calls=[{"name": "researcher", "args": {"request": request}, "id": "1"}]
    )
    inner = AIMessage("", tool_calls=[{"name": "summarize", "args": {}, "id": "2"}])
    progress.show(("supervise:1",), "updates", {"model": {"messages": [call]}})
    progress.show(("supervise:1", "tools:2"), "updates", {"call_model": {"messages": [inner]}})
    answer = ToolMessage("35%", name="researcher", tool_call_id="1")
    progress.show(("supervise:1",), "updates", {"tools": {"messages": [answer]}})
    assert out.getvalue().splitlines() == [
        "-> tool researcher (remote) called: How much do wind turbines produce?...",
        "<- tool researcher (remote) answered",
    ]
