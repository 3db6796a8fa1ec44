import uuid

import pytest

from remote_graphs import ConfigError, new_thread_id, thread_config
from remote_graphs.threads import child_thread_id, parent_thread_id, require_uuid


def test_new_thread_id_is_uuid4() -> None:
    tid = new_thread_id()
    assert uuid.UUID(tid).version == 4
    assert tid != new_thread_id()


@pytest.mark.parametrize("bad", ["my-thread-1", "", None, 42, "1234", "g" * 32])
def test_require_uuid_names_the_bad_value(bad: object) -> None:
    with pytest.raises(ConfigError, match="thread_id must be a UUID") as info:
        require_uuid(bad)
    assert repr(bad) in str(info.value)
    assert "new_thread_id" in str(info.value)


def test_require_uuid_canonicalises() -> None:
    raw = uuid.uuid4()
    assert require_uuid(str(raw).upper()) == str(raw)
    assert require_uuid(raw) == str(raw)


def test_child_thread_is_stable_and_distinct_per_name() -> None:
    parent = new_thread_id()
    a = child_thread_id(parent, "researcher")
    assert a == child_thread_id(parent, "researcher")
    assert a != child_thread_id(parent, "analyst")
    assert a != child_thread_id(new_thread_id(), "researcher")
    assert a == str(uuid.uuid5(uuid.UUID(parent), "researcher"))


def test_thread_config_validates() -> None:
    assert uuid.UUID(thread_config()["configurable"]["thread_id"])
    with pytest.raises(ConfigError):
        thread_config("not-a-uuid")


def test_parent_thread_id() -> None:
    assert parent_thread_id(None) is None
    assert parent_thread_id({"configurable": {}}) is None
    with pytest.raises(ConfigError, match=r"configurable\.thread_id"):
        parent_thread_id({"configurable": {"thread_id": "x"}})
