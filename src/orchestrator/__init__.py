"""The app around the library: the commands and the pieces the example graphs share.

The graphs ``langgraph.json`` serves live in ``graphs/``; the commands find
them through it (``loader``) and the child deployments through
``graphs/<name>/langgraph.json`` (``children``), so nothing here names them.
Commands: ``run`` (``make run``), ``dev`` (``make dev``), ``check``
(``make check``) and ``new_remote`` (``make new-remote``).
"""
