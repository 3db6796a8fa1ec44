"""``make run``: start the child deployments, run a graph on a task, print the answer.

    python -m orchestrator.run "How much do solar panels produce?" --approve
    python -m orchestrator.run "And wind?" --thread <id from the last run>
    python -m orchestrator.run --thread <id>     # finish what that thread left pending
    python -m orchestrator.run --graph supervisor "How much does a wind turbine produce?"

The graph runs in this process with a SQLite checkpointer, so a thread can be
continued later. The children are the ``graphs/<name>/`` deployments: those of
a running ``make dev`` are used, a child whose ``url_env`` is set (in the
environment or ``.env``) is called where it points, and the others are started
on real ``langgraph dev`` servers and stopped on every exit. The thread id is
printed on every exit.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.pregel import Pregel
from langgraph.types import Command, StateSnapshot

from orchestrator.children import Child, running_children
from orchestrator.cli import run_command
from orchestrator.environment import load_env_file, pointed_at, state_dir
from orchestrator.graph_remotes import remote_nodes
from orchestrator.loader import graph_ids
from orchestrator.preflight import chosen_model, load_graphs, read_configuration
from orchestrator.progress import Progress
from orchestrator.prompt import NoAnswer, Preset, answer
from orchestrator.running_dev import find_running_dev
from orchestrator.session import Session
from remote_graphs import ConfigError, new_thread_id
from remote_graphs.persistence import DB_ENV
from remote_graphs.threads import require_uuid

DEFAULT_TASK = (
    "How much electricity do solar panels and wind turbines produce? "
    "What is the average of their capacity factors?"
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and validate the command line before anything is started."""
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.splitlines()[0])
    try:
        graphs = graph_ids()
    except ConfigError as exc:
        parser.error(str(exc))
    parser.add_argument("task", nargs="?", help="what to ask (default: a sample task)")
    parser.add_argument("--thread", help="continue this earlier thread (a UUID)")
    parser.add_argument(
        "--graph",
        choices=graphs,
        default=graphs[0] if graphs else None,
        help=f"which graph of langgraph.json to run (default: {graphs[0] if graphs else '-'})",
    )
    parser.add_argument(
        "--model", help="chat model as provider:model (default: $MODEL or scripted)"
    )
    parser.add_argument("--db", help="SQLite file for the orchestrator's threads")
    answers = parser.add_mutually_exclusive_group()
    answers.add_argument("--approve", action="store_true", help="approve the draft without asking")
    answers.add_argument("--reject", action="store_true", help="reject the draft without asking")
    parser.add_argument("--feedback", default="", help="what to change, with --reject")
    args = parser.parse_args(argv)
    if args.thread is not None:
        try:
            args.thread = require_uuid(args.thread, "--thread")
        except ConfigError as exc:
            parser.error(str(exc))
    if args.task is not None and not args.task.strip():
        parser.error("the task is empty; say what to ask")
    if args.feedback and not args.reject:
        parser.error("--feedback goes with --reject")
    if args.graph is None:
        parser.error("langgraph.json serves no graph")
    return args


def preset(args: argparse.Namespace) -> Preset:
    """Return the approval answer the flags give, if any."""
    if args.approve or args.reject:
        return Preset(approved=bool(args.approve), feedback=args.feedback)
    return Preset()


def first_payload(state: StateSnapshot, task: str | None, thread_id: str) -> Any:
    """Return what to run first on the thread: a new turn, or what it left pending.

    Raises:
        ConfigError: The thread has pending work and a new task was given, or
            nothing to continue and no task.
    """
    pending = _pending(state)
    if task is not None:
        if pending:
            raise ConfigError(
                f"thread {thread_id} has {pending}; finish it first with "
                f"make run THREAD={thread_id} (no TASK), then ask the next question"
            )
        return {"messages": [HumanMessage(task)]}
    if pending:
        return None
    if not state.values:
        return {"messages": [HumanMessage(DEFAULT_TASK)]}
    raise ConfigError(
        f"thread {thread_id} has nothing pending; continue it with "
        f"make run THREAD={thread_id} TASK='<next question>'"
    )


def _pending(state: StateSnapshot) -> str:
    if state.interrupts:
        return "a pending approval"
    if state.next:
        return f"a pending step ({', '.join(state.next)})"
    return ""


def drive(session: Session, payload: Any, answers: Preset) -> int:
    """Run the thread from ``payload`` through every approval, and print the answer."""
    state = session.state()
    if payload is None and state.interrupts:
        print("resuming the pending approval")
    elif payload is None:
        print(f"resuming the pending step ({', '.join(state.next)})")
    if payload is not None or not state.interrupts:
        state = session.step(payload)
    while state.interrupts:
        try:
            decision = answer(state.interrupts[0].value, answers)
        except NoAnswer as exc:
            print(f"\n{exc}; it is still pending")
            return 1
        state = session.step(Command(resume=decision))
    messages = state.values.get("messages") or []
    final = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
    print("\n== answer\n" + (final.text if final is not None else "(no answer)"))
    return 0


def context_for(graph: Pregel[Any, Any, Any, Any], model: str) -> dict[str, Any] | None:
    """Return the run context choosing ``model``, when the graph's context has a model field."""
    try:
        fields = (graph.get_context_jsonschema() or {}).get("properties") or {}
    except (TypeError, ValueError):
        return None
    return {"model": model} if "model" in fields else None


def children_elsewhere(children: Sequence[Child]) -> dict[str, str]:
    """Return ``{url_env: url}`` for children served by a running ``make dev``."""
    dev = find_running_dev()
    if dev is None:
        return {}
    return {
        c.url_env: dev.children[c.name]
        for c in children
        if c.name in dev.children and not os.environ.get(c.url_env)
    }


def orchestrate(args: argparse.Namespace) -> int:
    """Check the configuration, start what is missing, run, and say how to continue."""
    started = time.monotonic()
    load_env_file()
    configuration = read_configuration()
    model = chosen_model(args.model)
    graph = load_graphs([args.graph])[args.graph]
    db = Path(args.db or os.environ.get(DB_ENV) or state_dir() / "checkpoints.sqlite")
    thread_id = args.thread or new_thread_id()
    remotes = {name: node.spec.name for name, node in remote_nodes(graph).items()}
    progress = Progress(remotes=remotes, remote_tools=configuration.registry)
    from_dev = children_elsewhere(configuration.children)
    to_start = [
        c
        for c in configuration.children
        if not os.environ.get(c.url_env) and c.url_env not in from_dev
    ]
    print(f"thread: {thread_id}")
    try:
        with Session(
            graph, db, thread_id, context=context_for(graph, model), progress=progress
        ) as s:
            payload = first_payload(s.state(), args.task, thread_id)
            if to_start:
                print("starting the child deployments (langgraph dev)...")
            with (
                pointed_at(from_dev),
                running_children(state_dir() / "servers", children=to_start) as urls,
            ):
                for child in configuration.children:
                    where = os.environ.get(child.url_env, "?")
                    how = "" if child.name in urls else f"  (from {child.url_env})"
                    print(f"   {child.name:<10} {where}{how}")
                code = drive(s, payload, preset(args))
    finally:
        print(f"\nthread: {thread_id}")
        print(f"continue it: make run THREAD={thread_id} TASK='<follow-up>'")
        print(f"   or, if it stopped half-way, finish it: make run THREAD={thread_id}")
        print(f"(wall time {time.monotonic() - started:.1f} s)")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``make run``."""
    args = parse_args(argv)
    return run_command(
        lambda: orchestrate(args),
        stopped="interrupted; the child servers were stopped",
        sigint=False,
    )


if __name__ == "__main__":
    sys.exit(main())
