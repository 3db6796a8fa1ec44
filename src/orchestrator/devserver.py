"""Start and stop real `langgraph dev` servers as child processes.

`langgraph dev` runs the in-memory Agent Server. It is what tests compare the
fake server against, and what `make run` / `make dev` use to start child
deployments on this machine. Each server gets a free loopback port, its own
working directory (the server keeps its state in `./.langgraph_api` there) and
its own log file, and it is always stopped with its whole process group
(POSIX only, since it relies on process groups).

Example:
    ```python
    with DevServer("graphs/langgraph.json", cwd=tmp_dir, n_jobs=10) as server:
        client = get_sync_client(url=server.url)
    ```
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

from orchestrator.signals import deferred_signals

__all__ = [
    "DevServer",
    "DevServerError",
    "free_port",
    "langgraph_command",
    "resolve_config_paths",
    "run_dev_servers",
    "server_env",
]

HOST = "127.0.0.1"
LOG_NAME = "langgraph-dev.log"
RESOLVED_CONFIG_NAME = "langgraph.resolved.json"

# Proxy variables would send loopback traffic to a proxy.
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
# Defaults that keep a local server from calling home (CLI analytics, PyPI version
# check); a value already in the environment wins. Tracing is left to the caller.
_QUIET_DEFAULTS = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "PYTHONUNBUFFERED": "1",
}


class DevServerError(RuntimeError):
    """Raised when a dev server exits early or does not become ready in time."""


def free_port(host: str = HOST) -> int:
    """Return a TCP port that is free on `host` right now.

    The OS picks it, so no fixed port (2024 is often taken) is assumed. Another
    process could still take it before the server binds; `DevServer.start`
    notices that because the server then dies, and reports its log.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def langgraph_command() -> list[str]:
    """Return the argv prefix that runs the `langgraph` CLI of this interpreter.

    Running the CLI module with `sys.executable` guarantees the server uses the
    same environment (and so the same graph dependencies) as the caller, even
    when another `langgraph` comes first on `PATH` or the venv is not activated.
    """
    return [sys.executable, "-m", "langgraph_cli"]


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build the environment for a server process from this one.

    Proxy variables are removed so that loopback traffic is never sent to a
    proxy, and `NO_PROXY` covers the loopback names for anything the graphs
    start themselves. CLI analytics and the PyPI version check are off unless
    the environment or `extra` sets them. LangSmith tracing is inherited as is.

    Args:
        extra: Variables to add or override, applied last.
    """
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}
    loopback = "127.0.0.1,localhost,::1"
    for name in ("NO_PROXY", "no_proxy"):
        current = env.get(name)
        env[name] = f"{current},{loopback}" if current else loopback
    for name, value in _QUIET_DEFAULTS.items():
        env.setdefault(name, value)
    if extra:
        env.update(extra)
    return env


class DevServer:
    """One `langgraph dev` process serving a langgraph config on loopback.

    Use it as a context manager, or call `start()` and `stop()`. `stop()` is
    safe to call more than once and after a failed start.

    Attributes:
        config: The langgraph config file.
        cwd: The working directory; holds `.langgraph_api/` and the log file.
        port: The port, chosen when the server starts unless given.
        log_path: Where the server's stdout and stderr go.
    """

    def __init__(
        self,
        config: str | os.PathLike[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        port: int | None = None,
        n_jobs: int | None = None,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 60.0,
        extra_args: Sequence[str] = (),
        config_overrides: Mapping[str, Any] | None = None,
    ) -> None:
        """Describe a server; nothing runs until `start()`.

        Args:
            config: A `langgraph.json` file, or a directory holding one.
            cwd: Working directory for the server. Defaults to the config's
                directory. Use a fresh folder to start from empty state.
            port: Port to bind; a free one is picked when omitted.
            n_jobs: `--n-jobs-per-worker`. `langgraph dev` runs one run at a
                time unless this is given.
            env: Extra environment variables for the server process.
            startup_timeout: Seconds to wait for `GET /ok`.
            extra_args: More `langgraph dev` arguments, passed as given.
            config_overrides: Top-level keys to replace in the served config
                (`None` removes the key); the server then gets a copy.
        """
        path = Path(config).resolve()
        self.config = path / "langgraph.json" if path.is_dir() else path
        if not self.config.is_file():
            raise FileNotFoundError(f"langgraph config not found: {self.config}")
        self.cwd = Path(cwd).resolve() if cwd is not None else self.config.parent
        self.port = port
        self.n_jobs = n_jobs
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self.config_overrides = dict(config_overrides or {})
        self.log_path = self.cwd / LOG_NAME
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the base URL, e.g. `http://127.0.0.1:53211`."""
        if self.port is None:
            raise DevServerError("the server has not been started")
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        """Tell whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """Return the exit code once the process has ended, else ``None``."""
        return self._process.poll() if self._process is not None else None

    @property
    def pid(self) -> int | None:
        """Return the server's process id (also its process group id)."""
        return self._process.pid if self._process is not None else None

    def command(self) -> list[str]:
        """Return the full argv used to start the server."""
        if self.port is None:
            raise DevServerError("the port is chosen by start()")
        argv = [
            *langgraph_command(),
            "dev",
            "--config",
            str(self._served_config()),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--no-browser",
            "--no-reload",
        ]
        if self.n_jobs is not None:
            argv += ["--n-jobs-per-worker", str(self.n_jobs)]
        return argv + self.extra_args

    def launch(self) -> None:
        """Start the process without waiting for it to be ready.

        `start()` is `launch()` + `wait_ready()`. Calling them apart lets
        several servers boot at the same time (see `run_dev_servers`).
        """
        if self._process is not None:
            raise DevServerError("the server was already started")
        self.cwd.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            self.port = free_port()
        self._write_config()
        with self.log_path.open("ab") as log, deferred_signals():
            self._process = subprocess.Popen(
                self.command(),
                cwd=self.cwd,
                env=server_env(self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group, so stop() reaches the workers
            )

    def wait_ready(self) -> None:
        """Block until `GET /ok` answers 200; stop the server and raise if it never does.

        Raises:
            DevServerError: The process exited, or the timeout passed. The
                message ends with the tail of the server log.
        """
        if self._process is None or self.port is None:
            raise DevServerError("launch() the server first")
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self._process.poll()
            if code is not None:
                self.stop()
                raise DevServerError(self._failure(f"exited with code {code} before it was ready"))
            if _is_ok(HOST, self.port):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise DevServerError(
                    self._failure(f"was not ready after {self.startup_timeout:.0f} s")
                )
            time.sleep(0.1)

    def start(self) -> DevServer:
        """Start the server and wait until it answers; return self.

        When the port was picked here and another process took it first, the
        server is started again on a new port (up to three tries).
        """
        tries = 3 if self.port is None else 1
        for attempt in range(1, tries + 1):
            self.launch()
            try:
                self.wait_ready()
            except DevServerError:
                if attempt == tries or "address already in use" not in self.log_tail().lower():
                    raise
                self.port = None
            except BaseException:
                self.stop()
                raise
            else:
                break
        return self

    def stop(self, grace: float = 5.0) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after `grace` seconds.

        Stop signals that arrive meanwhile wait until it is done, so a second
        Ctrl-C or SIGTERM cannot leave the server running.
        """
        with deferred_signals():
            process, self._process = self._process, None
            if process is None:
                return
            if process.poll() is None:
                _signal_group(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=grace)
            # Kill whatever is left in the group, e.g. workers that ignored SIGTERM.
            _signal_group(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)

    def _served_config(self) -> Path:
        """Return the config file given to the server.

        `langgraph dev` resolves the relative paths of a config (graphs,
        dependencies, env file) against its working directory, not against the
        config's folder. When the two differ, the server gets a copy with
        absolute paths, written into `cwd`.
        """
        if self.cwd == self.config.parent and not self.config_overrides:
            return self.config
        return self.cwd / RESOLVED_CONFIG_NAME

    def _write_config(self) -> None:
        target = self._served_config()
        if target != self.config:
            data = json.loads(self.config.read_text(encoding="utf-8"))
            resolved = resolve_config_paths(data, self.config.parent)
            for key, value in self.config_overrides.items():
                if value is None:
                    resolved.pop(key, None)
                else:
                    resolved[key] = value
            target.write_text(json.dumps(resolved, indent=2), encoding="utf-8")

    def log_tail(self, lines: int = 40) -> str:
        """Return the last `lines` lines of the server log."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _failure(self, what: str) -> str:
        return (
            f"langgraph dev for {self.config} on port {self.port} {what}.\n"
            f"--- last lines of {self.log_path} ---\n{self.log_tail()}"
        )

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def run_dev_servers(servers: Sequence[DevServer]) -> Iterator[list[DevServer]]:
    """Start several servers at once, and stop them all on exit.

    They boot in parallel (each takes a few seconds to import its graphs). If
    any fails to become ready, all are stopped and the error is raised.

    Args:
        servers: Servers that have not been started; each needs its own `cwd`
            so their state and logs do not mix.
    """
    stack = ExitStack()
    try:
        for server in servers:
            stack.callback(server.stop)
            server.launch()
        for server in servers:
            server.wait_ready()
        yield list(servers)
    finally:
        with deferred_signals():  # a signal between two stops must not skip the second
            stack.close()


def resolve_config_paths(config: dict[str, Any], base: Path) -> dict[str, Any]:
    """Return a copy of a langgraph config whose local paths are absolute.

    Covers graph sources (`./graphs.py:echo`; module sources such as
    `pkg.mod:graph` are left alone), local dependencies (`.`, `./lib`), an env
    file, and the `auth.path`, `http.app` and `checkpointer.path` sources.

    Args:
        config: The parsed `langgraph.json`.
        base: The folder the relative paths are relative to.
    """

    def source(value: str) -> str:
        location, sep, attr = value.rpartition(":")
        if not sep or "/" not in location or Path(location).is_absolute():
            return value
        return f"{(base / location).resolve()}:{attr}"

    def graph(value: Any) -> Any:
        if isinstance(value, str):
            return source(value)
        if isinstance(value, dict) and isinstance(value.get("path"), str):
            return {**value, "path": source(value["path"])}
        return value

    out = dict(config)
    out["graphs"] = {name: graph(v) for name, v in config.get("graphs", {}).items()}
    out["dependencies"] = [
        str((base / d).resolve()) if isinstance(d, str) and d.startswith(".") else d
        for d in config.get("dependencies", [])
    ]
    if isinstance(config.get("env"), str):
        out["env"] = str((base / config["env"]).resolve())
    for section, key in (("auth", "path"), ("http", "app"), ("checkpointer", "path")):
        block = config.get(section)
        if isinstance(block, dict) and isinstance(block.get(key), str):
            out[section] = {**block, key: source(block[key])}
    return out


def _is_ok(host: str, port: int) -> bool:
    """Tell whether `GET /ok` answers 200, without any proxy or env lookup."""
    conn = http.client.HTTPConnection(host, port, timeout=2.0)
    try:
        conn.request("GET", "/ok")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Send `sig` to the process group led by `pid`, ignoring one that is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
