"""Writing an imported catalogue while the till keeps selling: only what changed, in short transactions.

The file is read and every row checked first (catalogue_csv); nothing is written if a row is bad.
Then the rows are compared with the catalogue in one read, and only added or changed items are
written, CHUNK_ROWS per transaction: between two transactions the till's own writes (a cart line,
a sale) go through, instead of waiting for one transaction over the whole file (which stalled a
cart update for 10 s and then failed it). An unchanged file writes nothing ("0 changed").
Each chunk keeps the two search indexes itself, one statement per index (write_chunk), instead of
the per-row triggers, which cost most of an import's time.

A disk that fails part way leaves the chunks already written (each item whole, never half an
item); the error says how far it got, and running the same import again finishes it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import MoneyError
from pos_app.errors import UserFacingError
from pos_app.store.db import Database
from pos_app.store.faults import StoreError

#: Items in the first transaction; later ones are sized to last about TARGET_TRANSACTION_S, the
#: longest the till should wait for its turn to write.
CHUNK_ROWS = 100
TARGET_TRANSACTION_S = 0.020
MIN_CHUNK_ROWS, MAX_CHUNK_ROWS = 10, 2_000
SMOOTHING = 0.2  # weight of the last transaction in the running time per row

UPSERT = ("INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp)"
          " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
          " price = excluded.price, currency = excluded.currency, category = excluded.category,"
          " barcode = excluded.barcode, tax_rate_bp = excluded.tax_rate_bp")

#: In rowid order: FTS5 writes its pending terms out as a new segment whenever a rowid comes lower
#: than the one before, and the sku index would hand the rows over in sku order (3x the work).
_CHUNK = "FROM items WHERE sku IN (SELECT value FROM json_each(?)) ORDER BY rowid"
FTS_DELETE_OLD = (
    f"INSERT INTO items_fts (items_fts, rowid, sku, name, barcode) SELECT 'delete', rowid, sku, name, barcode {_CHUNK}",
    f"INSERT INTO items_words (items_words, rowid, sku, name) SELECT 'delete', rowid, sku, name {_CHUNK}",
)
FTS_INSERT_NEW = (
    f"INSERT INTO items_fts (rowid, sku, name, barcode) SELECT rowid, sku, name, barcode {_CHUNK}",
    f"INSERT INTO items_words (rowid, sku, name) SELECT rowid, sku, name {_CHUNK}",
)


class ImportProgress(Protocol):
    def read(self, rows: int) -> None: ...  # rows read and checked so far

    def wrote(self, done: int, total: int) -> None: ...  # changed items written so far, of total


class ImportInterrupted(UserFacingError):
    """The disk failed part way through writing; what was written is whole, the rest is not there yet."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return self.added + self.updated


def _row(item: Item) -> tuple:
    return (item.sku, item.name, item.price.amount, item.price.currency, item.category, item.barcode,
            item.tax_rate_bp)


def changes(db: Database, currency: str, items: Iterable[Item]) -> tuple[list[tuple], int, int, int]:
    """(rows to write, added, updated, unchanged) against the catalogue as it is, in one read.

    Refuses (ItemError/MoneyError, before anything is written) an item in another currency or a
    barcode that belongs to another item.
    """
    existing = {row[0]: tuple(row) for row in db.query(
        "SELECT sku, name, price, currency, category, barcode, tax_rate_bp FROM items")}
    owners = {row[5]: row[0] for row in existing.values() if row[5]}
    rows: list[tuple] = []
    added = updated = unchanged = 0
    for item in items:
        if item.price.currency != currency:
            raise MoneyError(f"{item.sku} is priced in {item.price.currency}; the store sells in {currency}")
        row = _row(item)
        old = existing.get(item.sku)
        if old == row:
            unchanged += 1
            continue
        if item.barcode:
            owner = owners.get(item.barcode)
            if owner is not None and owner != item.sku:
                raise ItemError(f"barcode {item.barcode} of {item.sku} already belongs to {owner}")
        rows.append(row)
        if old is None:
            added += 1
        else:
            updated += 1
    return rows, added, updated, unchanged


def write_chunk(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Upsert rows and keep both FTS indexes, set-wise, inside the caller's transaction.

    The triggers stay quiet while items_bulk_write holds its row (migration 4): the old text of
    updated items leaves the indexes in one statement, the new text of every row goes in in one.
    """
    skus = json.dumps([row[0] for row in rows])
    conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")
    for statement in FTS_DELETE_OLD:
        conn.execute(statement, (skus,))
    conn.executemany(UPSERT, rows)
    for statement in FTS_INSERT_NEW:
        conn.execute(statement, (skus,))
    conn.execute("DELETE FROM items_bulk_write")  # before COMMIT: no other writer ever sees it


def write_changes(db: Database, rows: list[tuple], *, chunk_rows: int = CHUNK_ROWS,
                  progress: ImportProgress | None = None, target_s: float = TARGET_TRANSACTION_S) -> None:
    """Upsert rows in short transactions (the till writes in between).

    A transaction starts with chunk_rows rows; the next ones are sized so each lasts about
    target_s, from a running average of the time per row: one slow commit (a checkpoint, an FTS5
    merge, a busy machine) must not shrink the chunks, or the per-transaction costs take over.
    """
    start, size, per_row = 0, chunk_rows, None
    while start < len(rows):
        chunk = rows[start:start + size]
        try:
            with db.transaction() as conn:
                began = time.perf_counter()  # not counting the wait for the turn
                write_chunk(conn, chunk)
        except StoreError as exc:
            raise ImportInterrupted(f"the import stopped after {start:,} of {len(rows):,} changed items: {exc}. "
                                    "Run the same import again to finish it") from None
        start += len(chunk)
        took = (time.perf_counter() - began) / len(chunk)  # COMMIT included
        per_row = took if per_row is None else per_row + SMOOTHING * (took - per_row)
        size = max(MIN_CHUNK_ROWS, min(MAX_CHUNK_ROWS, int(target_s / max(per_row, 1e-7))))
        if progress is not None:
            progress.wrote(min(start, len(rows)), len(rows))
        db.let_waiting_writers_in()  # a till waiting to write goes next, not after the whole file


def import_items(db: Database, currency: str, items: Iterable[Item], *, warnings: Iterable[str] = (),
                 chunk_rows: int = CHUNK_ROWS, progress: ImportProgress | None = None) -> ImportResult:
    rows, added, updated, unchanged = changes(db, currency, items)
    write_changes(db, rows, chunk_rows=chunk_rows, progress=progress)
    return ImportResult(added, updated, unchanged, tuple(warnings))
