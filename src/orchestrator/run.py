"""``make run``: start the example children, run the orchestrator on a task, print the answer.

    python -m orchestrator.run "How much do solar panels produce?" --approve
    python -m orchestrator.run "And wind?" --thread <id from the last run>

The orchestrator runs in this process with a SQLite checkpointer (so a thread
can be continued later with ``--thread``); the three children run on the real
``langgraph dev`` on free loopback ports and are stopped on exit, on error and
on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from orchestrator.children import running_children
from orchestrator.context import Context
from orchestrator.progress import Progress
from remote_graphs import ConfigError, new_thread_id, require_uuid, thread_config
from remote_graphs.persistence import async_sqlite_checkpointer

DEFAULT_TASK = (
    "How much electricity do solar panels and wind turbines produce? "
    "What is the average of their capacity factors?"
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and validate the command line before anything is started."""
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.splitlines()[0])
    parser.add_argument("task", nargs="?", default=DEFAULT_TASK, help="what to ask")
    parser.add_argument("--thread", help="continue this earlier thread (a UUID)")
    parser.add_argument("--mode", choices=["pipeline", "supervisor"], default="pipeline")
    parser.add_argument(
        "--model", help="chat model as provider:model (default: $MODEL or scripted)"
    )
    parser.add_argument("--db", help="SQLite file for the orchestrator's threads")
    answer = parser.add_mutually_exclusive_group()
    answer.add_argument("--approve", action="store_true", help="approve the draft without asking")
    answer.add_argument("--reject", action="store_true", help="reject the draft without asking")
    args = parser.parse_args(argv)
    if args.thread is not None:
        try:
            args.thread = require_uuid(args.thread, "--thread")
        except ConfigError as exc:
            parser.error(str(exc))
    if not args.task.strip():
        parser.error("the task is empty; say what to ask")
    return args


def decide(value: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Answer the writer's approval request: from a flag, the terminal, or by default."""
    draft = value.get("draft") if isinstance(value, dict) else None
    question = value.get("question") if isinstance(value, dict) else str(value)
    print(f"\n== approval requested: {question}")
    if draft:
        print(f"--- draft ---\n{draft}\n-------------")
    if args.approve or args.reject:
        approved = bool(args.approve)
    elif sys.stdin.isatty():
        approved = input("Approve? [Y/n] ").strip().lower() in ("", "y", "yes")
    else:
        print("(no terminal to ask and no --approve/--reject: approving)")
        approved = True
    feedback = "" if approved else "Rejected from the command line."
    print("approved" if approved else "rejected")
    return {"approved": approved, "feedback": feedback}


async def orchestrate(args: argparse.Namespace) -> int:
    """Run the task (and any approval round trip) and print the answer."""
    from graphs.orchestrator import builder

    thread_id = args.thread or new_thread_id()
    context = Context(mode=args.mode, **({"model": args.model} if args.model else {}))
    progress = Progress()
    async with async_sqlite_checkpointer(args.db) as saver:
        graph = builder.compile(checkpointer=saver, name="orchestrator")
        config = thread_config(thread_id)
        payload: Any = {"messages": [HumanMessage(args.task)]}
        while True:
            async for part in graph.astream(
                payload,
                config,
                context=context,
                stream_mode=["tasks", "messages"],
                subgraphs=True,
            ):
                ns, mode, data = cast(tuple[tuple[str, ...], str, Any], part)
                progress.show(ns, mode, data)
            state = await graph.aget_state(config)
            if not state.interrupts:
                break
            payload = Command(resume=decide(state.interrupts[0].value, args))
    answer = next((m for m in reversed(state.values["messages"]) if isinstance(m, AIMessage)), None)
    print("\n== answer\n" + (answer.text if answer is not None else "(no answer)"))
    print(f"\nthread: {thread_id}\ncontinue it with: make run TASK='...' THREAD={thread_id}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Start the children, orchestrate, and always stop the children."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    print("starting the child deployments (langgraph dev)...")
    try:
        with running_children() as urls:
            for name, url in urls.items():
                print(f"   {name:<10} {url}")
            code = asyncio.run(orchestrate(args))
    except KeyboardInterrupt:
        print("\ninterrupted; the child servers were stopped", file=sys.stderr)
        return 130
    print(f"(wall time {time.monotonic() - started:.1f} s)")
    return code


if __name__ == "__main__":
    sys.exit(main())
