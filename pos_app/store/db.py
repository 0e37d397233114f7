"""The one SQLite database of a till: connection setup, schema migrations, transactions.

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
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

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
    """
    ALTER TABLE carts ADD COLUMN voided_at INTEGER;
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
]

SCHEMA_VERSION = len(MIGRATIONS)


class Database:
    """A sqlite3 connection in WAL/FULL mode, migrated to SCHEMA_VERSION, with a lock for threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if path != ":memory:" else path
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _migrate(self) -> None:
        with self.lock:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"database {self.path} has schema {version}, newer than this "
                                   f"pos-app ({SCHEMA_VERSION}); upgrade pos-app")
            for number in range(version, SCHEMA_VERSION):
                log.info("migrating database to schema %d", number + 1)
                # executescript commits first; run each migration and its version bump atomically.
                self.conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\n"
                                        f"PRAGMA user_version = {number + 1};\nCOMMIT;")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on any exception); nests by joining the outer one."""
        with self.lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params=()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, params).fetchone()

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def now() -> int:
    return int(time.time())
