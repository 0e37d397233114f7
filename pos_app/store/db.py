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

from pos_app.store.faults import (DamagedDatabase, StoreBusy, StoreError, check_database_file, make_private,
                                  prepare_data_dir, sqlite_error)
from pos_app.store.turns import NO_TURN, TurnBusy, WriteTurn, _NoTurn

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # was sqlite3's 10 s: a cart change waits at most this long, then says 'busy'

#: The search indexes' triggers, quiet while items_bulk_write holds a row (migration 4; the catalogue's
#: own file has them too, catalogue_db.py).
BULK_AWARE_TRIGGERS = """
    CREATE TRIGGER items_ai AFTER INSERT ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
    END;
    CREATE TRIGGER items_au AFTER UPDATE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_words_ai AFTER INSERT ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    CREATE TRIGGER items_words_ad AFTER DELETE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
    END;
    CREATE TRIGGER items_words_au AFTER UPDATE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
"""

MIGRATIONS: list[str] = [
    # 1: catalogue, active cart, payment ledger, orders, refunds
    """
    CREATE TABLE items (
        sku TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        currency TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '',
        barcode TEXT UNIQUE,
        tax_rate_bp INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX items_name ON items (name COLLATE NOCASE);
    CREATE INDEX items_category_name ON items (category, name COLLATE NOCASE);
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        sku, name, barcode, content='items', content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
    END;
    CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;

    CREATE TABLE carts (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'frozen', 'closed')),
        in_doubt INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX carts_one_active ON carts (state IS 'closed') WHERE state != 'closed';
    CREATE TABLE cart_lines (
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0),
        position INTEGER NOT NULL,
        PRIMARY KEY (cart_id, sku)
    ) WITHOUT ROWID;

    CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        cart_uuid TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        payment_intent TEXT UNIQUE,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        final INTEGER NOT NULL DEFAULT 0,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX payments_open ON payments (final, cart_id);

    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        currency TEXT NOT NULL,
        subtotal INTEGER NOT NULL,
        tax INTEGER NOT NULL,
        total INTEGER NOT NULL,
        refunded INTEGER NOT NULL DEFAULT 0,
        payment_intent TEXT NOT NULL UNIQUE,
        cart_uuid TEXT NOT NULL,
        card_brand TEXT,
        card_last4 TEXT,
        tax_by_rate TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX orders_created ON orders (created_at);
    CREATE TABLE order_lines (
        order_id INTEGER NOT NULL REFERENCES orders (id),
        position INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        qty INTEGER NOT NULL,
        unit_price INTEGER NOT NULL,
        line_total INTEGER NOT NULL,
        tax_rate_bp INTEGER NOT NULL,
        PRIMARY KEY (order_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE refunds (
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders (id),
        seq INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        refund_id TEXT UNIQUE,
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        reason TEXT,
        status TEXT NOT NULL,
        lines TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        UNIQUE (order_id, seq)
    );
    CREATE INDEX refunds_created ON refunds (created_at);
    """,
    # 2: search that stays fast on big catalogues. Name indexes carry the sku (the tie-breaker of
    # every ORDER BY), and a word index answers 1-2 character queries as word prefixes
    # ("mi" finds Milk and Mild) without walking the whole name index.
    """
    DROP INDEX items_name;
    CREATE INDEX items_name ON items (name COLLATE NOCASE, sku);
    DROP INDEX items_category_name;
    CREATE INDEX items_category_name ON items (category, name COLLATE NOCASE, sku);
    CREATE VIRTUAL TABLE items_words USING fts5 (
        sku, name, content='items', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2'
    );
    INSERT INTO items_words (items_words) VALUES ('rebuild');
    CREATE TRIGGER items_words_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    CREATE TRIGGER items_words_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
    END;
    CREATE TRIGGER items_words_au AFTER UPDATE ON items BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    """,
    # 3: a cart emptied by the cashier is voided (closed with voided_at), never reused for the next
    # customer; payments that can't be recorded as a sale (paid with another amount, or after
    # their cart was voided) wait on a review list for a manager, instead of blocking the till.
    # A refund Stripe answers 'pending' is 'processing' until followed up; a failed one says why.
    """
    ALTER TABLE carts ADD COLUMN voided_at INTEGER;
    ALTER TABLE refunds ADD COLUMN failure_reason TEXT;
    CREATE TABLE payment_reviews (
        id INTEGER PRIMARY KEY,
        payment_intent TEXT NOT NULL UNIQUE,
        ledger_id INTEGER REFERENCES payments (id),
        cart_uuid TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('mismatch', 'paid_after_void')),
        details TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        card_brand TEXT,
        card_last4 TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'refunding', 'refunded')),
        refund_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX payment_reviews_status ON payment_reviews (status, id);
    """,
    # 4: a catalogue import keeps the FTS indexes itself, set-wise per chunk (catalogue_import.py),
    # instead of through the per-row triggers, which cost most of its time. It marks its own
    # transaction with a row in items_bulk_write, deleted before it commits: no other writer
    # (the till, another process, the sqlite3 shell) ever sees the row, so their edits keep
    # firing the triggers, and a crashed import leaves nothing behind (its transaction rolls back).
    """
    CREATE TABLE items_bulk_write (marker INTEGER PRIMARY KEY CHECK (marker = 1));
    DROP TRIGGER items_ai;
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    DROP TRIGGER items_words_ai;
    DROP TRIGGER items_words_ad;
    DROP TRIGGER items_words_au;
    """ + BULK_AWARE_TRIGGERS,
    # 5: the catalogue moves to a file of its own (catalogue_db.py), so an import writes it in one
    # transaction while the till's cart and sale writes, here, never wait for it. Its search
    # indexes and triggers go; the items wait in items_to_move until they are committed in the
    # catalogue file, then that table goes too (catalogue_db.move_items_out).
    """
    DROP TRIGGER items_ai;
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    DROP TRIGGER items_words_ai;
    DROP TRIGGER items_words_ad;
    DROP TRIGGER items_words_au;
    DROP TABLE items_fts;
    DROP TABLE items_words;
    DROP TABLE items_bulk_write;
    DROP INDEX items_name;
    DROP INDEX items_category_name;
    ALTER TABLE items RENAME TO items_to_move;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """A sqlite3 connection in WAL/FULL mode, migrated (to SCHEMA_VERSION), with a lock for threads."""

    conn: sqlite3.Connection  # set by _connect; a Database whose open failed is never handed out

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
            raise DamagedDatabase(f"{self.path} is an SQLite file of another program, not a till database: "
                                  "point POS_DATA_DIR at the till's folder")
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
                raise DamagedDatabase(f"{self.path} was written by a newer pos-app (schema {version}; this "
                                      f"one knows {known}): install the newer pos-app; nothing was changed")
            for number in range(version, known):
                log.info("migrating database to schema %d", number + 1)
                # executescript commits first; run each migration and its version bump atomically.
                self.conn.executescript(f"BEGIN IMMEDIATE;\n{self.migrations[number]}\n"
                                        f"PRAGMA user_version = {number + 1};\nCOMMIT;")

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
                raise StoreBusy("the till's database is busy (a catalogue import is writing): try again in a "
                                "moment") from None
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
