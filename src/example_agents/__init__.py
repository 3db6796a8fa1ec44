"""What the three example child deployments do, kept apart from their graph wiring.

* ``text``: tokenising for search and matching.
* ``search``: a bundled collection of notes on renewable energy and BM25 ranking over it.
* ``findings``: the researcher's report of ranked passages, with their sources.
* ``calculator``: safe arithmetic and statistics on ``ast``, without ``eval``.
* ``figures``: expressions and figures (with units) found in free text.
* ``analysis``: the analyst's report: requested expressions and statistics of the figures.
* ``writing``: the writer's answer composed from the request and the other agents' reports.
* ``scripted_model``: a deterministic chat model that streams that answer token by token.
* ``approval``: the writer's approval request and how a human's answer is read.
* ``conversation``: which messages of a conversation make up the current request.

Everything here is plain Python with no network and no model, so it is easy to test and
to replace with the real thing in a fork.
"""
