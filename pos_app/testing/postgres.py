"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temporary folder.

- The system's PostgreSQL binaries (PATH, then the newest /usr/lib/postgresql/<n>/bin); `.ci/run`
  installs them when they are missing.
- PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (runuser),
  and its folder is handed to that user.
- It listens on 127.0.0.1 only, with no Unix socket, and trusts local TCP log-ins: a test server
  holds nothing worth a password, and nothing outside the machine can reach it.
- A port can't be handed over as a bound socket (as our own servers are): a free one is picked
  and, should something take it before PostgreSQL binds it, start-up retries on another.
- `durable=False` (tests) turns fsync off: a crash of the machine, not of a till, would lose data.
  Benchmarks pass durable=True to measure what a shop's server does.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SUPERUSER = "pos"
START_ATTEMPTS = 3


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start (the message says which)."""


def find_bin_dir() -> Path:
    """Where initdb and pg_ctl are: PATH first, else the newest Debian-style versioned folder."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql: "
                              "install the system's postgresql package (.ci/run does)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server in its own folder. Use as a context manager, or start() / stop()."""

    def __init__(self, *, durable: bool = False, root: Path | None = None) -> None:
        self.bin_dir = find_bin_dir()
        self.durable = durable
        self._root = Path(tempfile.mkdtemp(prefix="pos-pg-", dir=root))
        self.data_dir = self._root / "data"
        self.log_path = self._root / "server.log"
        self.port = 0
        self._as_user: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self._root, "postgres", "postgres")

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        for attempt in range(START_ATTEMPTS):
            self.port = _free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-w", "-t", "60",
                          "-o", self._server_options(), "start")
                return self
            except PostgresUnavailable:
                if attempt == START_ATTEMPTS - 1 or "could not bind" not in self.log():
                    raise
        raise AssertionError("unreachable")

    def _server_options(self) -> str:
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''",
                   "-c max_connections=200"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        return " ".join(options)

    def stop(self) -> None:
        if self.port and (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(PostgresUnavailable):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self._root, ignore_errors=True)

    def stop_immediately(self) -> None:
        """Stop as a crash does (pg_ctl stop -m immediate): connections cut, no shutdown checkpoint."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def start_again(self) -> None:
        """Start a stopped server again on its port and data (crash recovery runs first)."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-w", "-t", "60",
                  "-o", self._server_options(), "start")

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases --------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """A new database (a name of letters, digits and _), empty or a copy of `template`: its URL."""
        for checked in (name, template or "x"):
            if not checked.replace("_", "").isalnum():
                raise ValueError(f"a test database name is letters, digits and _: {checked!r}")
        import psycopg  # only where PostgreSQL is used
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_user, str(self.bin_dir / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-800:]}"
                                      f"\n{self.log()[-800:]}")


@contextlib.contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    with PostgresServer(durable=durable) as server:
        yield server


def wait_for_lock_waiters(url: str, count: int = 1, *, timeout_s: float = 10.0) -> None:
    """Until `count` sessions of the database at `url` wait for a lock (a till has got that far).

    PostgreSQL has no event for "a session now waits": pg_stat_activity is polled, on a connection
    of its own outside any transaction (it is read once per transaction), every 20 ms up to
    timeout_s; AssertionError if they never do."""
    import time

    import psycopg
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as watcher:
        while _waiting(watcher) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} session(s) never waited for a lock")
            time.sleep(0.02)


def _waiting(watcher: Any) -> int:
    row = watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                          " AND wait_event_type = 'Lock'").fetchone()
    return int(row[0]) if row is not None else 0
