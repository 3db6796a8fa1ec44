from orchestrator.diagram import README, current_block, readme_block
from orchestrator.loader import graph_ids, load_graph


def test_readme_diagram_is_current() -> None:
    assert current_block(README.read_text()) == readme_block(load_graph(graph_ids()[0])), (
        "README.md's graph is stale: run `python -m orchestrator.diagram --write`"
    )


def test_remote_nodes_are_labelled() -> None:
    block = readme_block(load_graph("pipeline"))
    for node, remote in (("research", "researcher"), ("analyze", "analyst"), ("write", "writer")):
        assert f'{node}["{node}<br/><i>remote: {remote}</i>"]:::remote' in block
    assert "plan(plan)" in block and "merge(merge)" in block
