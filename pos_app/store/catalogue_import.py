"""Writing an imported catalogue while the till keeps selling: only what changed, in one transaction.

The file is read and every row checked first (catalogue_csv); nothing is written if a row is bad.
Then the rows are compared with the catalogue in one read, and only added or changed items are
written, all in one transaction of the catalogue's own file (catalogue_db.py): the till's cart and
sale writes go to its own file and never wait for it (a long transaction in the till's file stalled
a cart update for 10 s and then failed it); readers see the old catalogue until the COMMIT, then
the new one at once. An unchanged file writes nothing ("0 changed").
The transaction keeps the two search indexes itself, one statement per index per WRITE_ROWS rows
(write_chunk), instead of the per-row triggers, which cost most of an import's time.

All or nothing: a disk that fails part way, or a kill, leaves the catalogue as it was.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import MoneyError
from pos_app.domain.natural_order import natural_key
from pos_app.i18n import _
from pos_app.store.db import Database
from pos_app.store.sql import dialect

#: One item as its columns (sku, name, price, currency, category, barcode, tax_rate_bp, open_price).
Row = tuple[object, ...]

#: Items per write_chunk in the one transaction: progress is told after each; big enough that the
#: per-statement costs vanish, small enough that a progress bar moves.
WRITE_ROWS = 5_000

#: An item's columns, then its name's natural-order key (domain/natural_order.py).
UPSERT = ("INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp, open_price, name_key)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
          " price = excluded.price, currency = excluded.currency, category = excluded.category,"
          " barcode = excluded.barcode, tax_rate_bp = excluded.tax_rate_bp, open_price = excluded.open_price,"
          " name_key = excluded.name_key")

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


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        return self.added + self.updated


def _row(item: Item) -> Row:
    return (item.sku, item.name, item.price.amount, item.price.currency, item.category, item.barcode,
            item.tax_rate_bp, int(item.open_price))


def changes(db: Database, currency: str, items: Iterable[Item]) -> tuple[list[Row], int, int, int]:
    """(rows to write, added, updated, unchanged) against the catalogue as it is, in one read.

    Refuses (ItemError/MoneyError, before anything is written) an item in another currency or a
    barcode that belongs to another item.
    """
    existing = {row[0]: tuple(row) for row in db.query(
        "SELECT sku, name, price, currency, category, barcode, tax_rate_bp, open_price FROM items")}
    owners = {row[5]: row[0] for row in existing.values() if row[5]}
    rows: list[Row] = []
    added = updated = unchanged = 0
    for item in items:
        if item.price.currency != currency:
            raise MoneyError(_("{sku} is priced in {currency}; the store sells in {currency2}").format(
                sku=item.sku, currency=item.price.currency, currency2=currency))
        row = _row(item)
        old = existing.get(item.sku)
        if old == row:
            unchanged += 1
            continue
        if item.barcode:
            owner = owners.get(item.barcode)
            if owner is not None and owner != item.sku:
                raise ItemError(_("barcode {barcode} of {sku} already belongs to {owner}").format(
                    barcode=item.barcode, sku=item.sku, owner=owner))
        rows.append(row)
        if old is None:
            added += 1
        else:
            updated += 1
    return rows, added, updated, unchanged


def write_chunk(conn: sqlite3.Connection, rows: list[Row]) -> None:
    """Upsert rows and keep both FTS indexes, set-wise, inside the caller's transaction.

    The triggers stay quiet while items_bulk_write holds its row (migration 4): the old text of
    updated items leaves the indexes in one statement, the new text of every row goes in in one.
    """
    if dialect(conn) == "postgresql":  # the store writes its search rows (pg_search_index.py)
        from pos_app.store.pg_search_index import write_search_rows
        conn.executemany(UPSERT, [(*row, natural_key(str(row[1]))) for row in rows])
        write_search_rows(conn, [(str(row[0]), str(row[1]), None if row[5] is None else str(row[5])) for row in rows])
        return
    skus = json.dumps([row[0] for row in rows])
    conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")
    for statement in FTS_DELETE_OLD:
        conn.execute(statement, (skus,))
    conn.executemany(UPSERT, [(*row, natural_key(str(row[1]))) for row in rows])
    for statement in FTS_INSERT_NEW:
        conn.execute(statement, (skus,))
    conn.execute("DELETE FROM items_bulk_write")  # before COMMIT: no other writer ever sees it


def write_changes(db: Database, rows: list[Row], *, chunk_rows: int | None = None,
                  progress: ImportProgress | None = None) -> None:
    """Upsert rows in one transaction of the catalogue's file, chunk_rows (WRITE_ROWS) at a time,
    telling progress after each."""
    if not rows:
        return
    chunk_rows = chunk_rows or WRITE_ROWS
    with db.transaction() as conn:
        for start in range(0, len(rows), chunk_rows):
            write_chunk(conn, rows[start:start + chunk_rows])
            if progress is not None:
                progress.wrote(min(start + chunk_rows, len(rows)), len(rows))


def import_items(db: Database, currency: str, items: Iterable[Item], *, warnings: Iterable[str] = (),
                 chunk_rows: int | None = None, progress: ImportProgress | None = None) -> ImportResult:
    rows, added, updated, unchanged = changes(db, currency, items)
    write_changes(db, rows, chunk_rows=chunk_rows, progress=progress)
    return ImportResult(added, updated, unchanged, tuple(warnings))
