"""Property-based checks: every bad value gets a clear error naming it, before any remote call."""

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from remote_graphs import ConfigError, Registry, remote_node
from remote_graphs.guard import normalize_url
from remote_graphs.registry import RemoteSpec, parse_remote
from remote_graphs.threads import require_uuid

GOOD = {"name": "r", "url": "http://127.0.0.1:9", "graph_id": "g"}
quick = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _not_uuid(text: str) -> bool:
    try:
        require_uuid(text)
    except ConfigError:
        return True
    return False


@quick
@given(st.text(max_size=60).filter(_not_uuid))
def test_bad_thread_ids_are_named(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        require_uuid(value)
    assert repr(value) in str(info.value)


@quick
@given(
    st.one_of(
        st.integers(),
        st.floats(),
        st.none(),
        st.binary(max_size=16),
        st.lists(st.text(), max_size=2),
    )
)
def test_non_string_thread_ids_are_named(value: Any) -> None:
    with pytest.raises(ConfigError, match="thread_id must be a UUID"):
        require_uuid(value)


@quick
@given(
    st.one_of(
        st.text(max_size=40).filter(
            lambda u: not u.strip().lower().startswith(("http://", "https://"))
        ),
        st.from_regex(r"\Ahttps?://\Z"),
        st.from_regex(r"\Ahttp://h:[1-9][0-9]{5,7}\Z"),
    )
)
def test_bad_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        normalize_url(url)


FIELD_VALUES = {
    "name": st.one_of(
        st.text(max_size=80).filter(
            lambda n: (
                not n[:1].isalpha()
                or len(n) > 64
                or any(c not in string.ascii_letters + string.digits + "_-" for c in n)
            )
        ),
        st.integers(),
    ),
    "url": st.text(max_size=30).filter(lambda u: "://" not in u),
    "assistant_id": st.text(min_size=1, max_size=40).filter(_not_uuid),
    "api_key_env": st.text(min_size=1, max_size=20).filter(
        lambda v: not v.isidentifier() or not v.isascii()
    ),
    "timeout": st.fixed_dictionaries(
        {"read": st.floats(max_value=0) | st.sampled_from(["fast", "", "1s"])}
    ),
    "retry": st.fixed_dictionaries(
        {"max_attempts": st.integers(max_value=0) | st.integers(min_value=21)}
    ),
    "auth_scheme": st.text(max_size=10).filter(lambda v: v not in ("api-key", "langsmith-api-key")),
    "headers": st.dictionaries(
        st.sampled_from(["Authorization", "x-api-key", "Cookie"]), st.text(max_size=5), min_size=1
    ),
}


@quick
@given(
    st.sampled_from(sorted(FIELD_VALUES)).flatmap(lambda f: st.tuples(st.just(f), FIELD_VALUES[f]))
)
def test_bad_remote_fields_name_remote_and_field(case: tuple[str, Any]) -> None:
    field, value = case
    data = {**GOOD, field: value}
    if field == "assistant_id":
        data.pop("graph_id")
    with pytest.raises(ConfigError) as info:
        parse_remote(data)
    text = str(info.value)
    assert text.startswith("remote ")
    assert field in text


@quick
@given(
    st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=10), max_size=3).filter(
        lambda d: "messages" not in d
    )
)
def test_inputs_without_messages_fail_before_any_call(state: dict[str, str]) -> None:
    # The URL refuses connections: reaching it would raise a network error instead.
    node = remote_node(RemoteSpec.model_validate(GOOD))
    graph = StateGraph(dict).add_node("r", node).add_edge(START, "r").compile()
    with pytest.raises(ConfigError, match="no 'messages'"):
        graph.invoke(state)


@quick
@given(st.text(max_size=30).filter(_not_uuid))
def test_bad_parent_thread_fails_before_any_call(thread: str) -> None:
    node = remote_node(RemoteSpec.model_validate(GOOD))
    graph = StateGraph(MessagesState).add_node("r", node).add_edge(START, "r").compile()
    with pytest.raises(ConfigError, match="thread_id must be a UUID"):
        graph.invoke({"messages": [HumanMessage("x")]}, {"configurable": {"thread_id": thread}})


SECRET = st.text(alphabet=string.ascii_letters + string.digits + "!$%&*+-.~", min_size=10).filter(
    lambda s: any(c.isalpha() for c in s) and any(c.isdigit() for c in s)
)
SECRET_URLS = [
    "http://user:{}@h.example",
    "https://{}@h.example:8443/api",
    "user:{}@h.example",
    "http:/u:{}@h",
    "http://u:{}@",
    "http://u:{}/path",
    "http://u:{}",
    "u:{}",
    "https://h.example/?key={}",
    "https://h.example/#{}",
]


@quick
@given(st.sampled_from(SECRET_URLS), SECRET)
def test_a_secret_in_a_url_is_refused_and_never_shown(shape: str, secret: str) -> None:
    url = shape.format(secret)
    for attempt in (lambda: parse_remote({**GOOD, "url": url}), lambda: normalize_url(url)):
        with pytest.raises(ConfigError) as info:
            attempt()
        assert secret not in str(info.value)


@quick
@given(st.sampled_from(SECRET_URLS), SECRET)
def test_a_secret_in_a_url_env_value_is_never_shown(
    monkeypatch: pytest.MonkeyPatch, shape: str, secret: str
) -> None:
    monkeypatch.setenv("R_URL", shape.format(secret))
    registry = Registry([{**GOOD, "url_env": "R_URL"}])
    with pytest.raises(ConfigError) as info:
        registry.check_environment()
    assert str(info.value).startswith("remote 'r': R_URL: ")
    assert secret not in str(info.value)


@quick
@given(
    st.sampled_from(["api_key_env", "url_env", "header_envs"]),
    SECRET.filter(lambda s: any(c.islower() for c in s)),
)
def test_a_secret_pasted_for_a_variable_name_is_refused_and_never_shown(
    field: str, secret: str
) -> None:
    value: Any = {"X-Token": secret} if field == "header_envs" else secret
    with pytest.raises(ConfigError) as info:
        parse_remote({**GOOD, field: value})
    assert field in str(info.value)
    assert secret not in str(info.value)


@quick
@given(st.from_regex(r"\A[ \t]*\Z"))
def test_blank_graph_ids_fail_at_load(graph_id: str) -> None:
    with pytest.raises(ConfigError, match="graph_id: is empty"):
        parse_remote({**GOOD, "graph_id": graph_id})
