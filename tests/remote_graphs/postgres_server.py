"""A throwaway PostgreSQL cluster for tests, when the machine has the server binaries.

Postgres refuses to run as root, so under root the cluster runs as the
``postgres`` system user. The cluster lives in a temporary folder, listens on
a free loopback port and is always stopped.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _binary(name: str) -> str | None:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError when there is no such user
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield a connection string to a fresh cluster; raise LookupError when none can run."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise LookupError("PostgreSQL server binaries are not installed")
    try:
        prefix = _as_user()
    except KeyError:
        raise LookupError("running as root and there is no postgres user") from None
    # Its own folder under the system temp dir: the postgres user cannot enter pytest's.
    base = Path(tempfile.mkdtemp(prefix="pg-test-"))
    base.chmod(0o777)
    data = base / "pgdata"
    port = _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "test", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "start",
            "-l",
            str(base / "pg.log"),
        ],
        check=True,
        capture_output=True,
    )
    try:
        time.sleep(0.2)
        yield f"postgresql://test@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
