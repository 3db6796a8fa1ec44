"""The orchestrator's own pieces: run context, state, chat model choice and planning.

The graph wiring that ``langgraph.json`` serves lives in ``graphs/orchestrator.py``;
the command-line entry points (``make run``, ``make dev``, ``make check``) live here.
"""
