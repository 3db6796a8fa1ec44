"""What a running `make dev` publishes is found while it runs, and ignored once it is gone."""

import json
from pathlib import Path

import pytest

from orchestrator.running_dev import FILE_NAME, DevLock, RunningDev, find_running_dev
from remote_graphs import ConfigError

DEV = RunningDev(
    pid=4242,
    orchestrator="http://127.0.0.1:2024",
    children={"writer": "http://127.0.0.1:5000"},
    urls={"WRITER_URL": "http://127.0.0.1:5000"},
)


def test_nothing_published_is_no_dev(tmp_path: Path) -> None:
    assert find_running_dev(tmp_path) is None


def test_published_urls_are_found_while_the_lock_is_held(tmp_path: Path) -> None:
    with DevLock(tmp_path) as lock:
        assert find_running_dev(tmp_path) is None  # started, not published yet
        lock.publish(DEV)
        assert find_running_dev(tmp_path) == DEV
    assert find_running_dev(tmp_path) is None
    assert not (tmp_path / FILE_NAME).exists()


def test_a_file_left_by_a_dev_that_is_gone_is_ignored(tmp_path: Path) -> None:
    with DevLock(tmp_path):
        pass
    (tmp_path / FILE_NAME).write_text(json.dumps(DEV.__dict__))  # as after kill -9
    assert find_running_dev(tmp_path) is None


def test_a_second_dev_is_refused(tmp_path: Path) -> None:
    with DevLock(tmp_path) as lock:
        lock.publish(DEV)
        with pytest.raises(ConfigError, match=r"make dev is already running \(pid 4242"):
            DevLock(tmp_path).acquire()


def test_a_new_dev_replaces_a_stale_file(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("{not json")
    with DevLock(tmp_path):
        assert not (tmp_path / FILE_NAME).exists()
