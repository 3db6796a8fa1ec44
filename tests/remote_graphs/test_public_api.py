"""The package's public surface is what a fork uses, and nothing more."""

import remote_graphs

FORK_SURFACE = [
    "ConfigError",
    "GuardError",
    "Registry",
    "RemoteRunError",
    "add_remote",
    "handoff",
    "new_thread_id",
    "remote_node",
    "remote_tool",
    "thread_config",
]


def test_exported_names_are_locked() -> None:
    assert sorted(remote_graphs.__all__) == sorted(FORK_SURFACE)


def test_every_exported_name_exists_and_says_what_it_is() -> None:
    for name in remote_graphs.__all__:
        member = getattr(remote_graphs, name)
        assert (member.__doc__ or "").strip(), f"{name} has no docstring"
