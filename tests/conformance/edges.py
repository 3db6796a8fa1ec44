"""Scenarios for what a fork's tests do beyond the happy path, where the fake used to differ.

Each failed against the fake before its fix: an empty or thread-starting
``command``, webhook URLs the server's policy refuses, a malformed query
number (the server's ``ValueError`` is a 400), the state at a checkpoint
asked for without ``checkpoint_ns``, and the store API. They start few runs
(the real server takes about a second for each), and every name they write
to the store starts with a fresh UUID, so they share the servers safely.
"""

from __future__ import annotations

from .drivers import step
from .scenarios import HI, RAW, Scenario, scenario, thread

SYNC = ("sdk-sync",)
BOTH = ("sdk-sync", "sdk-async")
ASK = {"question": "q?"}
RUN = {"assistant_id": "echo", "input": HI}


def wait_with_webhook(url: str, thread_path: str = "/threads/$t") -> object:
    """Create a run whose webhook the server refuses before it looks at the thread."""
    return step("POST", path=f"{thread_path}/runs/wait", json={**RUN, "webhook": url})


EDGES: list[Scenario] = [
    # --- commands: {"resume": None} (sent as {}), resume on a thread that never ran ---
    scenario(
        "command-edge-cases",
        BOTH,
        thread(),
        step("wait", thread_id="$t", assistant_id="asker", input=ASK),
        # The SDK drops None fields, so this is an empty command: the run continues the
        # thread without input, and the node asks again.
        step("wait", thread_id="$t", assistant_id="asker", command={"resume": None}),
        step("get_thread", thread_id="$t"),
        thread("u"),
        # A command on a thread without a checkpoint fails in the start node (goto=None).
        step("wait", thread_id="$u", assistant_id="echo", command={"resume": "x"}),
        step("get_thread", thread_id="$u"),
    ),
    scenario(
        "raw-command-empty",
        RAW,
        step("new_id", name="t"),
        step("POST", path="/threads", json={"thread_id": "$t"}),
        step("POST", path="/threads/$t/runs/wait", json={**RUN, "command": {}}),
        step("POST", path="/threads/$t/runs/wait", json={**RUN, "command": {"resume": None}}),
    ),
    # --- webhooks: refused at creation like the server's default policy --------------
    scenario(
        "raw-webhooks-refused",
        RAW,
        step("new_id", name="t"),
        wait_with_webhook("not a url"),
        wait_with_webhook("/internal/hook"),
        wait_with_webhook("http://127.0.0.1:9/hook"),
        wait_with_webhook("http://[::1]:9/hook"),
        wait_with_webhook("http://localhost:9/hook"),
        wait_with_webhook("ftp://example.com/hook"),
        wait_with_webhook("http://169.254.169.254/latest"),
        wait_with_webhook("http://metadata.google.internal/x"),
        wait_with_webhook("http://api.svc.cluster.local/x"),
        wait_with_webhook("http://224.0.0.1/x"),
        wait_with_webhook("http://h/" + "x" * 4096),
        wait_with_webhook("http://127.0.0.1:9/hook", thread_path=""),  # stateless
        step("POST", path="/runs", json={**RUN, "webhook": "http://localhost/x"}),
    ),
    # --- a bad number in a query is the server's ValueError: 400 with its message -----
    scenario(
        "raw-query-numbers",
        RAW,
        step("new_id", name="t"),
        step("POST", path="/threads", json={"thread_id": "$t"}),
        step("GET", path="/threads/$t/runs?limit=abc"),
        step("GET", path="/threads/$t/runs?offset=1.5"),
        step("GET", path="/threads/$t/runs?limit=2&offset=0"),
    ),
    # --- the state at a checkpoint echoes the keys asked for --------------------------
    scenario(
        "state-at-checkpoint-forms",
        SYNC,
        thread(),
        step("wait", thread_id="$t", assistant_id="echo", input=HI),
        step("get_history", thread_id="$t", limit=2, save={"cp": (1, "checkpoint_id")}),
        step("get_state", thread_id="$t", checkpoint={"checkpoint_id": "$cp"}),
        step("get_state", thread_id="$t", checkpoint={"checkpoint_id": "$cp", "checkpoint_ns": ""}),
        step("get_state", thread_id="$t", checkpoint={"checkpoint_id": "$cp"}, subgraphs=True),
        step("get_state", thread_id="$t", checkpoint={"checkpoint_id": "$new"}),
        step("get_state", thread_id="$t", checkpoint_id="$new"),
        step("get_state", thread_id="$t", checkpoint={"checkpoint_ns": ""}),
    ),
    # --- the store --------------------------------------------------------------------
    scenario(
        "store",
        BOTH,
        step("new_id", name="ns"),
        step("put_item", namespace=["$ns", "a"], key="k1", value={"n": 1, "tag": "x"}),
        step("put_item", namespace=["$ns", "b"], key="k2", value={"n": 2}, ttl=5),
        step("put_item", namespace=["$ns", "a", "deep"], key="k3", value={}, index=False),
        step("get_item", namespace=["$ns", "a"], key="k1"),
        step("get_item", namespace=["$ns", "a"], key="nope"),
        step("search_items", namespace_prefix=["$ns"]),
        step("search_items", namespace_prefix=["$ns"], filter={"tag": "x"}),
        step("search_items", namespace_prefix=["$ns"], limit=1, offset=1),
        step("search_items", namespace_prefix=["$ns"], query="anything"),
        step("list_namespaces", prefix=["$ns"]),
        step("list_namespaces", prefix=["$ns"], max_depth=2),
        step("list_namespaces", prefix=["$ns"], suffix=["deep"]),
        step("delete_item", namespace=["$ns", "a"], key="k1"),
        step("delete_item", namespace=["$ns", "a"], key="k1"),  # already gone: no error
        step("get_item", namespace=["$ns", "a"], key="k1"),
        step("put_item", namespace=["a.b"], key="k", value={}),
        step("put_item", namespace=[], key="k", value={}),
        step("search_items", namespace_prefix=["$ns"]),
        compare={5: "unordered", 7: "unordered", 9: "unordered", 10: "unordered", 17: "unordered"},
    ),
    scenario(
        "raw-store-errors",
        RAW,
        step("new_id", name="ns"),
        step("PUT", path="/store/items", json={"namespace": ["$ns"], "key": "k", "value": 5}),
        step("PUT", path="/store/items", json={"namespace": ["$ns"], "value": {}}),
        step("PUT", path="/store/items", json={"namespace": ["$ns"], "key": "k", "value": {}}),
        step("PUT", path="/store/items", json={"namespace": [""], "key": "k", "value": {}}),
        step(
            "PUT",
            path="/store/items",
            json={"namespace": ["$ns"], "key": "k", "value": {}, "index": True},
        ),
        step("GET", path="/store/items?namespace=$ns&key=k"),
        step("GET", path="/store/items?namespace=$ns"),
        step("GET", path="/store/items?key=k"),
        step("DELETE", path="/store/items", json={"namespace": ["$ns"]}),
        step("POST", path="/store/namespaces", json={"prefix": ["$ns"], "limit": "x"}),
        step("POST", path="/store/namespaces", json={"prefix": ["a.b"]}),
        # Last: the server closes the connection after an unexpected error.
        step("POST", path="/store/items/search", json={}),
        compare={1: "status", 2: "status", 5: "status", 10: "status"},
    ),
]
