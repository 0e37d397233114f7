"""The sandbox's data: Stripe objects, saved idempotent responses and API keys, in SQLite.

One SQLite file per data folder (`sandbox.sqlite3`, WAL, synchronous=FULL), or an in-memory
database when `path` is None (unit tests). Every change runs in `transaction()`: one SQLite
transaction (nested ones are savepoints) that commits when the block ends or ends with a Stripe
error answer (a 402 decline keeps its failed charge, as on Stripe) and rolls back on any other
exception. A commit that fails (disk full) rolls back and raises StateNotSaved: nothing is kept in
memory, so the sandbox never answers with state it did not save. Reads go to the database, and
each change writes only the rows it touches, so its cost does not grow with the history.

A legacy `sandbox.json` (format 1, rewritten whole on every change) next to the database is
imported once and renamed `sandbox.json.migrated`. All times come from `clock`, so tests can
move time (24 h key expiry, `created` filters). `lock` serialises execution.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import string
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Callable, Iterator

from pos_app.sandbox.errors import StripeError
from pos_app.store.faults import make_private

log = logging.getLogger(__name__)

KINDS = ("payment_intent", "payment_method", "charge", "refund", "balance_transaction")
LEGACY_FORMAT_VERSION = 1
SCHEMA_VERSION = 1
_ALPHABET = string.ascii_letters + string.digits

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE objects (
    kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE, created INTEGER NOT NULL,
    payment_intent TEXT, charge TEXT, data TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX objects_by_time ON objects (kind, created, seq);
CREATE INDEX objects_by_intent ON objects (kind, payment_intent);
CREATE TABLE metadata (kind TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL,
                       value TEXT NOT NULL, PRIMARY KEY (kind, id, key));
CREATE INDEX metadata_by_value ON metadata (kind, key, value);
CREATE TABLE idempotency (key TEXT PRIMARY KEY, endpoint TEXT NOT NULL, params TEXT NOT NULL,
                          status INTEGER NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL);
CREATE INDEX idempotency_by_time ON idempotency (created);
CREATE TABLE api_keys (key TEXT PRIMARY KEY, kind TEXT NOT NULL, permissions TEXT NOT NULL,
                       created INTEGER NOT NULL);
"""


class StateNotSaved(Exception):
    """The database refused a change (disk full, I/O error): it was rolled back."""


@contextmanager
def _not_saved_on_error() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        log.error("sandbox state not saved (%s); the change is rolled back", exc)
        raise StateNotSaved(str(exc)) from None


def random_token(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def database_path(path: Path) -> Path:
    """`…/sandbox.json` (the old state file's name) means the database next to it."""
    return path.with_suffix(".sqlite3") if path.suffix == ".json" else path


class SandboxState:
    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time, *,
                 keys: tuple[str, str] | None = None) -> None:
        """`keys` (secret, publishable) may be given to an in-memory sandbox only (tests);
        one with a data folder always uses the random keys kept there."""
        if keys is not None and path is not None:
            raise ValueError("a sandbox with a data folder uses its own keys")
        self.path = database_path(Path(path)) if path is not None else None
        self.clock = clock
        self.lock = threading.RLock()
        self._depth = 0
        self._db = self._open()
        from pos_app.sandbox.faults import Faults
        from pos_app.sandbox.idempotency import IdempotencyKeys
        from pos_app.sandbox.keys import ApiKeys
        self.idempotency = IdempotencyKeys(self)
        self.keys = ApiKeys(self, keys)
        self.faults = Faults()  # fault injection rules: in memory, never saved
        # Salt for card fingerprints: stable for this sandbox, different between sandboxes.
        self.fingerprint_salt = self.meta_default("fingerprint_salt", lambda: random_token(16))

    def now(self) -> int:
        return int(self.clock())

    def close(self) -> None:
        with self.lock:
            self._db.close()

    # ------------------------------------------------------------------------------ objects

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{random_token()}"

    def get(self, kind: str, object_id: str) -> dict | None:
        row = self.query_one("SELECT data FROM objects WHERE kind = ? AND id = ?", (kind, object_id))
        return json.loads(row[0]) if row else None

    def put(self, kind: str, record: dict) -> dict:
        """Store a new or changed record (inside transaction(): saved when it commits)."""
        with self.lock, _not_saved_on_error():
            self._require_transaction()
            if "_seq" not in record:
                (last,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM objects").fetchone()
                record["_seq"] = last + 1
            self._db.execute(
                "INSERT OR REPLACE INTO objects (kind, id, seq, created, payment_intent, charge, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                # Terminal readers and locations have no public `created`: kept as `_created`.
                (kind, record["id"], record["_seq"], record.get("created", record.get("_created")),
                 record.get("payment_intent") if kind != "payment_intent" else None,
                 record.get("charge") if kind == "refund" else None,
                 json.dumps(record, separators=(",", ":"))))
            if isinstance(record.get("metadata"), dict):
                self._db.execute("DELETE FROM metadata WHERE kind = ? AND id = ?", (kind, record["id"]))
                self._db.executemany(
                    "INSERT INTO metadata (kind, id, key, value) VALUES (?, ?, ?, ?)",
                    [(kind, record["id"], k, v) for k, v in record["metadata"].items()])
            return record

    def all(self, kind: str) -> list[dict]:
        """Records of a kind, oldest first (creation order)."""
        rows = self.query_all("SELECT data FROM objects WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(data) for (data,) in rows]

    def records(self, sql_where: str, args: tuple, kind: str, *, newest_first: bool,
                limit: int) -> list[dict]:
        """Up to `limit` records of a kind matching a WHERE clause over objects' columns."""
        order = "DESC" if newest_first else "ASC"
        rows = self.query_all(
            f"SELECT data FROM objects WHERE kind = ? AND ({sql_where})"
            f" ORDER BY created {order}, seq {order} LIMIT ?", (kind, *args, limit))
        return [json.loads(data) for (data,) in rows]

    def query_one(self, sql: str, args: tuple = ()) -> tuple | None:
        with self.lock:
            return self._db.execute(sql, args).fetchone()

    def query_all(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self._db.execute(sql, args).fetchall()

    def execute(self, sql: str, args: tuple = ()) -> None:
        """A write of the state's own tables (idempotency, keys); inside transaction()."""
        with self.lock, _not_saved_on_error():
            self._require_transaction()
            self._db.execute(sql, args)

    # --------------------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[SandboxState]:
        with self.lock:
            depth = self._depth
            self._db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT s{depth}")
            self._depth += 1
            try:
                yield self
            except StripeError:
                self._depth -= 1
                self._end(depth, commit=True)
                raise
            except BaseException:
                self._depth -= 1
                self._end(depth, commit=False)
                raise
            else:
                self._depth -= 1
                self._end(depth, commit=True)

    def _end(self, depth: int, *, commit: bool) -> None:
        if not self._db.in_transaction:
            # SQLite itself rolled the whole transaction back (disk full, I/O error): the
            # StateNotSaved that put() raised is on its way out.
            return
        if depth > 0:
            if not commit:
                self._db.execute(f"ROLLBACK TO s{depth}")
            self._db.execute(f"RELEASE s{depth}")
            return
        if not commit:
            self._db.execute("ROLLBACK")
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            log.error("sandbox state not saved (%s); the change was rolled back", exc)
            raise StateNotSaved(str(exc)) from None

    def _require_transaction(self) -> None:
        if self._depth == 0:
            raise RuntimeError("sandbox state changes must run inside transaction()")


    # ------------------------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._connect(":memory:")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._connect(str(self.path))
        except sqlite3.DatabaseError as exc:
            # Never silently lose training payments: keep the unreadable file aside for a look.
            self._set_aside(self.path, exc)
            db = self._connect(str(self.path))
        legacy = self.path.with_suffix(".json")
        if legacy.exists():
            from pos_app.sandbox.migration import import_legacy_file
            import_legacy_file(self, db, legacy)
        return db

    def _connect(self, name: str) -> sqlite3.Connection:
        db = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
        try:
            if name != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version == 0:
                db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};"
                                 "COMMIT;")
            elif version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"unknown sandbox schema version {version}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        if name != ":memory:":
            make_private(Path(name))  # client secrets live here: the owner's only (0600)
        return db

    def _set_aside(self, path: Path, exc: Exception) -> None:
        stamp = int(time.time())
        for suffix in ("", "-wal", "-shm"):
            part = path.with_name(path.name + suffix)
            if part.exists():
                os.replace(part, path.with_name(f"{path.name}{suffix}.unreadable-{stamp}"))
        log.warning("sandbox state %s unreadable (%s); moved aside, starting empty", path, exc)

    def meta(self, name: str) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE name = ?", (name,))
        return row[0] if row else None

    def meta_default(self, name: str, make: Callable[[], str]) -> str:
        """The stored value of a setting (keys, fingerprint salt), made and saved on first use."""
        with self.transaction():
            value = self.meta(name)
            if value is None:
                value = make()
                self.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (name, value))
        return value
