from graphs.orchestrator import graph
from orchestrator.diagram import README, current_block, readme_block


def test_readme_diagram_is_current() -> None:
    assert current_block(README.read_text()) == readme_block(graph), (
        "README.md's graph is stale: run `python -m orchestrator.diagram --write`"
    )


def test_remote_nodes_are_labelled() -> None:
    block = readme_block(graph)
    for node, remote in (("research", "researcher"), ("analyze", "analyst"), ("write", "writer")):
        assert f'{node}["{node}<br/><i>remote: {remote}</i>"]:::remote' in block
