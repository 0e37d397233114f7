"""The SQLite databases of a till (its own, and its catalogue's): connection setup, migrations, transactions.

WAL + synchronous=FULL: a commit that returned is on disk, so a cart change acknowledged to the
cashier (or an HTTP client) survives a power cut. One connection shared by the threads of the app,
serialized by a re-entrant lock; every statement is short.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pos_app.i18n import _
from pos_app.store.faults import (DamagedDatabase, StoreBusy, StoreError, check_database_file, make_private,
                                  prepare_data_dir, sqlite_error)
from pos_app.store.migrations import MIGRATIONS
from pos_app.store.turns import NO_TURN, TurnBusy, WriteTurn, _NoTurn

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # was sqlite3's 10 s: a cart change waits at most this long, then says 'busy'

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """A sqlite3 connection in WAL/FULL mode, migrated (to SCHEMA_VERSION), with a lock for threads."""

    conn: sqlite3.Connection  # set by _connect; a Database whose open failed is never handed out
    dialect = "sqlite"  # what store/sql.py picks a statement's spelling by (pg.PgDatabase: "postgresql")

    def __init__(self, path: Path | str, busy_timeout_s: float = BUSY_TIMEOUT_S, *,
                 migrations: list[str] = MIGRATIONS) -> None:
        self.path: Path | str = Path(path) if path != ":memory:" else path
        self.migrations = migrations  # the till's (MIGRATIONS) or the catalogue's
        self.lock = threading.RLock()
        self._turn: WriteTurn | _NoTurn = NO_TURN
        created = False
        if isinstance(self.path, Path):
            prepare_data_dir(self.path.parent)
            check_database_file(self.path)  # an emptied or cut-short file is refused, never started afresh
            created = not self.path.exists()
            self._turn = WriteTurn(self.path, busy_timeout_s)
        try:
            self._connect(path, busy_timeout_s)
        except (sqlite3.Error, StoreError) as exc:
            self._abandon(created)
            raise (self._fault(exc) if isinstance(exc, sqlite3.Error) else exc) from None
        if isinstance(self.path, Path):
            make_private(self.path)

    def _connect(self, path: Path | str, busy_timeout_s: float) -> None:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        # A writer that holds the file longer than busy_timeout_s gets StoreBusy, not a frozen till.
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                                    timeout=busy_timeout_s)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        if self.conn.execute("PRAGMA user_version").fetchone()[0] == 0 and \
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise DamagedDatabase(_("{path} is an SQLite file of another program, not a till database: point "
                                    "POS_DATA_DIR at the till's folder").format(path=self.path))
        self._migrate()

    def _abandon(self, created: bool) -> None:
        """Close after a failed open; a file this open created (a disk full at first start) goes too,
        or the next start would find a cut-short database."""
        conn = self.__dict__.get("conn")
        if conn is not None:
            conn.close()
        self._turn.close()
        if created and isinstance(self.path, Path):
            for suffix in ("", "-wal", "-shm", "-journal", ".turn", ".turn-wait"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _fault(self, exc: sqlite3.Error) -> Exception:
        """The StoreError an SQLite error about the file means (disk full, read-only, damaged, busy)."""
        return sqlite_error(exc, self.path) or exc

    def _migrate(self) -> None:
        with self.lock:
            version, known = self.conn.execute("PRAGMA user_version").fetchone()[0], len(self.migrations)
            if version > known:
                raise DamagedDatabase(_("{path} was written by a newer pos-app (schema {version}; this one knows "
                                        "{known}): install the newer pos-app; nothing was changed").format(
                                            path=self.path, version=version, known=known))
            for number in range(version, known):
                log.info("migrating database to schema %d", number + 1)
                self._apply(number)

    def _apply(self, number: int) -> None:
        """Run one migration and its version bump atomically, foreign keys off meanwhile (SQLite's own
        procedure for rebuilding a table others refer to) and checked before it commits."""
        conn = self.conn
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before BEGIN
        try:
            # executescript commits a pending transaction first: the BEGIN is in the script.
            conn.executescript(f"BEGIN IMMEDIATE;\n{self.migrations[number]}\n"
                               f"PRAGMA user_version = {number + 1};")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DamagedDatabase(_("{path}: migration {value} would break {count} reference(s) between tables; "
                                        "nothing was changed").format(
                                            path=self.path, value=number + 1, count=len(broken)))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on any exception); nests by joining the outer one.

        A disk full, read-only or busy file raises its StoreError after the rollback: the step
        changed nothing, and the next one works once the cause is gone. The write turn (turns.py)
        is held from BEGIN to COMMIT, so writers in other processes take turns fairly.
        """
        with self.lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self._turn.__enter__()
            except TurnBusy:
                raise StoreBusy(_("the till's database is busy (a catalogue import is writing): try again in a "
                                  "moment")) from None
            try:
                yield from self._transaction()
            finally:
                self._turn.__exit__()

    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._fault(exc) from exc
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error) and sqlite_error(exc, self.path) is not None:
                raise self._fault(exc) from exc
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._fault(exc) from exc

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (a full disk); never mask the first error.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc

    def query_one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        with self.lock:
            try:
                row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
                return row
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc

    def count(self, sql: str, params: Sequence[object] = ()) -> int:
        """The one number a `SELECT count(*) ...` answers."""
        row = self.query_one(sql, params)
        return int(row[0]) if row is not None else 0

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            self._turn.close()


def now() -> int:
    return int(time.time())
