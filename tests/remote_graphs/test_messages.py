from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from remote_graphs.messages import hydrate, to_message


def _wire(message: object) -> dict:
    return message.model_dump()  # type: ignore[attr-defined]


def test_ai_message_round_trip_keeps_every_field() -> None:
    original = AIMessage(
        "hi",
        id="m1",
        name="researcher",
        tool_calls=[{"name": "search", "args": {"q": "x"}, "id": "c1"}],
        usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
        response_metadata={"model_name": "m"},
    )
    back = to_message(_wire(original))
    assert isinstance(back, AIMessage)
    assert back == original
    assert back.usage_metadata == original.usage_metadata
    assert back.additional_kwargs == {}


def test_chunks_and_tools() -> None:
    chunk = to_message(_wire(AIMessageChunk("to", id="c", chunk_position="last")))
    assert isinstance(chunk, AIMessageChunk)
    assert chunk.chunk_position == "last"
    tool = to_message(_wire(ToolMessage("r", tool_call_id="c1", artifact={"a": 1}, status="error")))
    assert isinstance(tool, ToolMessage)
    assert (tool.artifact, tool.status) == ({"a": 1}, "error")


def test_hydrate_converts_message_lists_only() -> None:
    values = {"messages": [_wire(HumanMessage("q", id="1"))], "count": 2, "other": [{"type": "x"}]}
    out = hydrate(values)
    assert isinstance(out["messages"][0], HumanMessage)
    assert out["count"] == 2
    assert out["other"] == [{"type": "x"}]
