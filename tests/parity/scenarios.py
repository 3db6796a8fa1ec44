"""What a user sees of a subgraph, as plain data, for comparing a local and a remote child.

Each scenario drives one parent (built by ``make(child, node)``) and returns
what the user saw: answers, state, history, stream events, interrupts. Ids
and the remote's provenance metadata are normalised away, since they differ
by construction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from langgraph.types import Command, Interrupt, StateSnapshot

from remote_graphs import thread_config

Make = Callable[[str, str], Any]


def plain(value: Any) -> Any:
    """Return ``value`` with messages as (type, text) and ids dropped."""
    if isinstance(value, BaseMessage):
        return (value.type, value.text)
    if isinstance(value, dict) and value.get("type") in ("human", "ai") and "content" in value:
        return (value["type"], value["content"])
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def texts(graph: Any, config: Any) -> list[str]:
    return [m.text for m in graph.get_state(config).values["messages"]]


def ask(text: str) -> dict[str, Any]:
    return {"messages": [HumanMessage(text)]}


def _head(graph: Any, config: Any, turns: int) -> Any:
    """Return the config of the checkpoint where turn ``turns`` had finished."""
    for snap in graph.get_state_history(config):
        if not snap.next and len(snap.values.get("messages", [])) == 2 * turns:
            return snap.config
    raise AssertionError(f"no checkpoint after turn {turns}")


def turns(make: Make) -> Any:
    """Three turns on one thread: the child remembers the conversation."""
    graph, cfg = make("counter", "count"), thread_config()
    for word in ("a", "b", "c"):
        graph.invoke(ask(word), cfg)
    return texts(graph, cfg)


def fork_and_continue(make: Make) -> Any:
    """Fork after turn 1, then continue the original branch after turn 2."""
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.invoke(ask("b"), cfg)
    turn1, turn2 = _head(graph, cfg, 1), _head(graph, cfg, 2)
    fork = graph.invoke(ask("x"), turn1)
    original = graph.invoke(ask("c"), turn2)
    return {"fork": plain(fork["messages"]), "original": plain(original["messages"])}


def fork_async(make: Make) -> Any:
    """The same fork, driven with ``ainvoke``."""
    graph, cfg = make("counter", "count"), thread_config()

    async def go() -> Any:
        await graph.ainvoke(ask("a"), cfg)
        await graph.ainvoke(ask("b"), cfg)
        fork = await graph.ainvoke(ask("x"), _head(graph, cfg, 1))
        original = await graph.ainvoke(ask("c"), _head(graph, cfg, 2))
        return {"fork": plain(fork["messages"]), "original": plain(original["messages"])}

    return asyncio.run(go())


def update_then_continue(make: Make) -> Any:
    """Edit the parent's state at an earlier checkpoint, then run from there."""
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.invoke(ask("b"), cfg)
    edited = graph.update_state(_head(graph, cfg, 1), ask("y"), as_node="__start__")
    return plain(graph.invoke(None, edited)["messages"])


def replay(make: Make) -> Any:
    """Replay turn 2 from the checkpoint before its child call."""
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.invoke(ask("b"), cfg)
    before = next(
        s.config
        for s in graph.get_state_history(cfg)
        if s.next == ("count",) and len(s.values["messages"]) == 3
    )
    return plain(graph.invoke(None, before)["messages"])


def history(make: Make) -> Any:
    """The parent's own history: one entry per step, in order."""
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.invoke(ask("b"), cfg)
    return [
        (s.next, len(s.values.get("messages", [])), s.metadata and s.metadata.get("source"))
        for s in graph.get_state_history(cfg)
    ]


def stream(make: Make) -> Any:
    """Events of a second turn with ``subgraphs=True``: namespaces by node, modes, payloads.

    Documented difference: the node's own ``updates`` event holds only the messages
    the remote added, where a local subgraph's holds its whole message list (the
    reducer makes the parent's state the same), so messages the parent already had
    are left out of that one event here.
    """
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    known = plain(graph.get_state(cfg).values["messages"])
    seen = []
    for ns, mode, data in graph.stream(
        ask("b"), cfg, stream_mode=["updates", "values"], subgraphs=True
    ):
        payload = plain(data)
        if not ns and mode == "updates":
            payload = _only_added(payload, [*known, ("human", "b")])
        seen.append(([n.split(":")[0] for n in ns], mode, payload))
    return seen


def _only_added(update: dict[str, Any], had: list[Any]) -> dict[str, Any]:
    """Drop, from a node's update, messages the parent had (see ``stream``)."""
    return {
        node: {**body, "messages": [m for m in body["messages"] if m not in had]}
        if isinstance(body, dict) and "messages" in body
        else body
        for node, body in update.items()
    }


def _summary(mode: str, data: Any) -> Any:
    if mode == "messages":
        message, meta = data
        return (type(message).__name__, message.text, meta.get("langgraph_node"))
    if mode == "tasks":
        return (data.get("name"), sorted(k for k in data if k != "id"))
    if mode == "checkpoints":
        return (data["next"], sorted(data["values"]), data["metadata"].get("source"))
    if mode == "debug":
        return (data["type"], data["step"])
    return plain(data)


def stream_every_mode(make: Make) -> Any:
    """Every stream mode with ``subgraphs=True``, tokens included, in order.

    Documented difference: the remote's debug *checkpoint* events are not relayed
    (an Agent Server takes every debug checkpoint it streams as the parent
    thread's own), so the local child's are left out here too.
    """
    graph, cfg = make("talker", "talk"), thread_config()
    modes = ["values", "updates", "messages", "custom", "tasks", "checkpoints", "debug"]
    seen = []
    for ns, mode, data in graph.stream(ask("hi"), cfg, stream_mode=modes, subgraphs=True):
        if ns and mode == "debug" and data["type"] == "checkpoint":
            continue
        summary = _summary(mode, data)
        if not ns and mode == "updates":
            summary = _only_added(summary, [("human", "hi")])
        seen.append(([n.split(":")[0] for n in ns], mode, summary))
    return seen


def interrupt_and_resume(make: Make) -> Any:
    """A child that asks: the parent stops with its question and resumes with the answer."""
    graph, cfg = make("reviewer", "review"), thread_config()
    first = graph.invoke(ask("hi"), cfg)
    pending = graph.get_state(cfg)
    done = graph.invoke(Command(resume="ok"), cfg)
    return {
        "asked": [i.value for i in first["__interrupt__"]],
        "pending": (pending.next, [i.value for i in pending.interrupts]),
        "done": plain(done["messages"]),
    }


def _sub(snapshot: StateSnapshot) -> StateSnapshot:
    [task] = snapshot.tasks
    assert isinstance(task.state, StateSnapshot), f"no subgraph state under {task.name}"
    return task.state


def subgraph_state(make: Make) -> Any:
    """``get_state(subgraphs=True)`` at the child's interrupt shows the child's own state."""
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    sub = _sub(graph.get_state(cfg, subgraphs=True))
    return {
        "values": plain(sub.values),
        "next": sub.next,
        "tasks": [(t.name, t.path, [i.value for i in t.interrupts]) for t in sub.tasks],
        "interrupts": [i.value for i in sub.interrupts],
        "addresses the task": sub.config["configurable"]["checkpoint_ns"].startswith("review:"),
    }


def subgraph_update_then_resume(make: Make) -> Any:
    """``update_state`` with the child's config changes what the child resumes with."""
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    sub = _sub(graph.get_state(cfg, subgraphs=True))
    graph.update_state(sub.config, {"draft": "edited"})
    after = _sub(graph.get_state(cfg, subgraphs=True))
    done = graph.invoke(Command(resume="ok"), cfg)
    return {"draft now": after.values["draft"], "done": plain(done["messages"])}


def subgraph_history(make: Make) -> Any:
    """``get_state_history`` through the child's config: that checkpoint, or all of them."""
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    sub = _sub(graph.get_state(cfg, subgraphs=True))
    every = {"configurable": {**sub.config["configurable"]}}
    every["configurable"].pop("checkpoint_id")
    return {
        "at": [(s.next, sorted(s.values)) for s in graph.get_state_history(sub.config)],
        "all": [(s.next, sorted(s.values)) for s in graph.get_state_history(every)],
    }


def _interrupted(graph: Any, cfg: Any) -> list[StateSnapshot]:
    """Return the parent's checkpoints that hold a child's question, newest first."""
    return [s for s in graph.get_state_history(cfg) if s.interrupts]


def fork_into_answered_interrupt(make: Make) -> Any:
    """Resume again at each question already answered: the task keeps the result it reached.

    A local subgraph resumed at a checkpoint its thread has moved past finds its
    task finished, so the new answer changes nothing and no later turn leaks in.
    """
    graph, cfg = make("reviewer", "review"), thread_config()
    for text, answer in (("hi", "ok"), ("again", "ok2")):
        graph.invoke(ask(text), cfg)
        graph.invoke(Command(resume=answer), cfg)
    return [
        plain(graph.invoke(Command(resume="no"), s.config)["messages"])
        for s in _interrupted(graph, cfg)
    ]


def resume_a_superseded_question(make: Make) -> Any:
    """A question left waiting while a fork asks another: each answer reaches its own question."""
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    graph.invoke(Command(resume="ok"), cfg)
    graph.invoke(ask("again"), cfg)
    waiting = graph.get_state(cfg).config
    forked = graph.invoke(ask("other"), _head(graph, cfg, 1))
    answered = graph.invoke(Command(resume="ok2"), waiting)
    other = next(s for s in _interrupted(graph, cfg) if s.values["messages"][-1].text == "other")
    return {
        "forked asks": [i.value for i in forked["__interrupt__"]],
        "answered": plain(answered["messages"]),
        "other answered": plain(graph.invoke(Command(resume="ok3"), other.config)["messages"]),
    }


_MODES = ["values", "updates", "messages", "custom", "tasks", "checkpoints", "debug"]
_UNSEEN = {"id", "checkpoint_id", "thread_id", "timestamp", "created_at", "run_id", "checkpoint_ns"}


def _shape(value: Any, parent: Any, asks: set[str]) -> Any:
    """Return what a stream payload holds, for a user of the parent.

    Messages as (type, text), serialised ones marked so; an interrupt as its
    value and whether its id is one the parent resumes by; a checkpoint config
    as whether it reaches that checkpoint through the parent's thread.
    """
    if isinstance(value, BaseMessage):
        return (value.type, value.text)
    if isinstance(value, Interrupt) or (isinstance(value, dict) and {"value", "id"} <= set(value)):
        item = value if isinstance(value, dict) else {"value": value.value, "id": value.id}
        return ("interrupt", item["value"], item["id"] in asks)
    if isinstance(value, dict) and value.get("type") in ("human", "ai") and "content" in value:
        return ("serialised", value["type"], value["content"])
    if isinstance(value, dict) and set(value) == {"configurable"}:
        conf = value["configurable"]
        nodes = [n.split(":")[0] for n in str(conf.get("checkpoint_ns") or "").split("|") if n]
        return ("config", conf.get("thread_id") == parent, nodes)
    if isinstance(value, dict):
        return {
            k: _shape(v, parent, asks)
            if k != "metadata"
            else {m: v[m] for m in ("source", "step") if m in v}
            for k, v in value.items()
            if k not in _UNSEEN
        }
    if isinstance(value, list | tuple):
        return [_shape(v, parent, asks) for v in value]
    return value


def _langgraph_keys(meta: dict[str, Any]) -> dict[str, Any]:
    """Return the message metadata langgraph sets on a node's tokens, namespaces by node.

    A served child's also carry its server's run metadata, which is extra.
    """
    keys = ("langgraph_step", "langgraph_node", "langgraph_triggers", "langgraph_path")
    shown = {k: meta[k] for k in (*keys, "langgraph_checkpoint_ns") if k in meta}
    if "langgraph_checkpoint_ns" in shown:
        names = str(shown["langgraph_checkpoint_ns"]).split("|")
        shown["langgraph_checkpoint_ns"] = [n.split(":")[0] for n in names]
    return shown


def stream_a_question_every_mode(make: Make) -> Any:
    """Every mode with ``subgraphs=True`` as the child asks, and as it is answered.

    The child's events hold what a local child's hold: message objects, the
    interrupt the parent resumes by, checkpoint configs that reach the child
    through the parent (the task namespace is shown up to its node). Debug
    checkpoint events of the child are left out (see ``stream_every_mode``),
    and the parent's own updates are shown by their keys (see ``stream``).
    """
    graph, cfg = make("reviewer", "review"), thread_config()
    parent = cfg["configurable"]["thread_id"]
    turns = []
    for command in (ask("hi"), Command(resume="ok")):
        events = list(graph.stream(command, cfg, stream_mode=_MODES, subgraphs=True))
        asks = {i.id for i in graph.get_state(cfg).interrupts} or {
            i.id for s in _interrupted(graph, cfg) for i in s.interrupts
        }
        seen = []
        for ns, mode, data in events:
            if ns and mode == "debug" and data["type"] == "checkpoint":
                continue
            if not ns and mode == "updates":
                data = {k: v if k == "__interrupt__" else sorted(v or {}) for k, v in data.items()}
            if not ns and mode in ("tasks", "debug"):  # the node's own result, as its update
                task = data.get("payload", data)
                if isinstance(task.get("result"), dict):
                    task["result"] = sorted(task["result"])
            if mode == "messages":
                data = [data[0], _langgraph_keys(data[1])]
            shown = _shape(data, parent, asks)
            seen.append(([n.split(":")[0] for n in ns], mode, shown))
        turns.append(seen)
    return turns


def _every(config: Any) -> Any:
    """Return ``config`` without its checkpoint id: all of that subgraph's checkpoints."""
    return {
        "configurable": {k: v for k, v in config["configurable"].items() if k != "checkpoint_id"}
    }


def subgraph_state_back_in_history(make: Make) -> Any:
    """``get_state(subgraphs=True)`` at earlier checkpoints shows what each turn's child reached."""
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.invoke(ask("b"), cfg)
    return [
        [(t.name, plain(t.state.values) if t.state else None) for t in before.tasks]
        for s in graph.get_state_history(cfg)
        if s.next == ("count",) and (before := graph.get_state(s.config, subgraphs=True))
    ]


def subgraph_history_of_a_later_turn(make: Make) -> Any:
    """The child's history under the second turn's task holds that task's checkpoints only.

    Shown by step kind: a remote thread's own values also hold what earlier
    turns left in it (its input checkpoint starts from the thread's state).
    """
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    graph.invoke(Command(resume="ok"), cfg)
    graph.invoke(ask("again"), cfg)
    sub = _sub(graph.get_state(cfg, subgraphs=True))
    graph.update_state(sub.config, {"draft": "edited"})

    def rows(snaps: Any) -> list[Any]:
        return [(s.next, s.metadata.get("source")) for s in snaps]

    every = _every(sub.config)
    return {
        "latest": plain(graph.get_state(every).values),
        "all": rows(graph.get_state_history(every)),
        "two": rows(graph.get_state_history(every, limit=2)),
        "edits": rows(graph.get_state_history(every, filter={"source": "update"})),
        "before": rows(graph.get_state_history(every, before=sub.config)),
    }


def subgraph_state_before_the_child_runs(make: Make) -> Any:
    """A child task that has not run yet has an empty state, then runs as usual.

    The parent's state is edited so its next step calls the child again; until
    that task runs, there is nothing of it on the child's side to show.
    """
    graph, cfg = make("counter", "count"), thread_config()
    graph.invoke(ask("a"), cfg)
    graph.update_state(cfg, ask("b"), as_node="__start__")
    [task] = graph.get_state(cfg, subgraphs=True).tasks
    assert isinstance(task.state, StateSnapshot)
    waiting = (task.name, task.state.values, task.state.next, task.state.metadata)
    return {"waiting": waiting, "then": plain(graph.invoke(None, cfg)["messages"])}


def time_travel_and_subgraph_state_async(make: Make) -> Any:
    """The async state API and resumes: a later question, a superseded one, edits, history."""
    graph, cfg = make("reviewer", "review"), thread_config()

    async def go() -> Any:
        await graph.ainvoke(ask("hi"), cfg)
        await graph.ainvoke(Command(resume="ok"), cfg)
        await graph.ainvoke(ask("again"), cfg)
        waiting = await graph.aget_state(cfg, subgraphs=True)
        sub = _sub(waiting)
        await graph.aupdate_state(sub.config, {"draft": "edited"})
        every = [
            (s.next, s.metadata.get("source"))
            async for s in graph.aget_state_history(_every(sub.config))
        ]
        asked = [s async for s in graph.aget_state_history(cfg) if s.interrupts]
        again = await graph.ainvoke(Command(resume="no"), asked[-1].config)
        done = await graph.ainvoke(Command(resume="ok2"), waiting.config)
        back = [
            [
                plain(t.state.values)
                for t in (await graph.aget_state(s.config, subgraphs=True)).tasks
            ]
            async for s in graph.aget_state_history(cfg)
            if s.next == ("review",)
        ]
        return {
            "history": every,
            "answered again": plain(again["messages"]),
            "done": plain(done["messages"]),
            "back in history": back,
        }

    return asyncio.run(go())


def subgraph_update_then_resume_by_id(make: Make) -> Any:
    """After the child's state is edited, an answer by the old question's id asks again.

    The edit replaces the question a UI showed, so a local child asks anew with
    the edited values (and a new id) instead of taking an answer to the old one.
    """
    graph, cfg = make("reviewer", "review"), thread_config()
    graph.invoke(ask("hi"), cfg)
    shown = graph.get_state(cfg, subgraphs=True)
    graph.update_state(_sub(shown).config, {"draft": "edited"})
    again = graph.invoke(Command(resume={i.id: "ok" for i in shown.interrupts}), cfg)
    asked = again.get("__interrupt__", [])
    done = graph.invoke(Command(resume={i.id: "ok" for i in asked}), cfg) if asked else again
    return {
        "asks again": [i.value for i in asked],
        "with a new id": [i.id for i in asked] != [i.id for i in shown.interrupts],
        "done": plain(done["messages"]),
    }


SCENARIOS: dict[str, Callable[[Make], Any]] = {
    f.__name__: f
    for f in (
        turns,
        fork_and_continue,
        fork_async,
        update_then_continue,
        replay,
        history,
        stream,
        stream_every_mode,
        interrupt_and_resume,
        subgraph_state,
        subgraph_update_then_resume,
        subgraph_history,
        fork_into_answered_interrupt,
        resume_a_superseded_question,
        stream_a_question_every_mode,
        subgraph_state_back_in_history,
        subgraph_history_of_a_later_turn,
        subgraph_state_before_the_child_runs,
        time_travel_and_subgraph_state_async,
        subgraph_update_then_resume_by_id,
    )
}


def handoff(make_parent: Callable[[], Any]) -> Any:
    """A child hands an invoice over to the parent's billing node; other requests it answers."""
    graph = make_parent()
    handed, cfg = graph.invoke(ask("my invoice is wrong"), thread_config()), thread_config()
    answered = graph.invoke(ask("hello"), cfg)
    return {"handed": plain(handed["messages"]), "answered": plain(answered["messages"])}
