"""What every run of the orchestrator's graphs must bring: a user's request, and a usable model.

Both graphs answer the conversation's latest message, so a run whose input adds
no user message (``{}``, ``{"foo": 1}``, ``{"messages": []}``) would answer an
old request again, or none. The first node checks it, and the run's model,
before any remote is called, so a mistake costs no remote run and is reported
in one line. The errors are ``ValueError``s, whose message the Agent Server
passes on to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AnyMessage, HumanMessage

from orchestrator.model import model_spec, require_model

NO_REQUEST = (
    'the run brings no request to answer: send input={"messages": [{"role": "user", '
    '"content": "<your request>"}]}'
)


def request_of(messages: Sequence[AnyMessage] | None, context: object) -> str:
    """Return the text of the user's request that ends ``messages``, after checking the model.

    Raises:
        ValueError: The conversation does not end with a user message, or it is blank.
        ConfigError: The run's model (``context.model`` or ``$MODEL``) cannot be loaded.
    """
    require_model(model_spec(context))
    if not messages or not isinstance(messages[-1], HumanMessage):
        raise ValueError(NO_REQUEST)
    text = messages[-1].text.strip()
    if not text:
        raise ValueError("the request is blank: write what you want answered in its content")
    return text
