"""The catalogue's own SQLite file beside the till's: its schema, and moving an older till's items into it.

An import writes the whole catalogue in one transaction (catalogue_import.py). In the till's own
file that would hold the one write lock for seconds and stall every cart change; in a file of its
own the till's cart and sale writes never wait for it, readers keep their snapshot until the
import commits, and the new catalogue appears at once. Nothing reads items and carts in one SQL
statement (the cart service asks the catalogue for items), so no transaction spans the two files.

The file is `<till database stem>-catalogue.sqlite3` (pos.sqlite3 -> pos-catalogue.sqlite3): two
tills' databases in one folder (tests do that) keep two catalogues. It is opened by the same
Database class as the till's, so the same refusals (empty, cut short, foreign, newer schema), the
same 0600 files and the same write turns cover it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pos_app.domain.natural_order import natural_key
from pos_app.i18n import _
from pos_app.store.db import Database
from pos_app.store.migrations import BULK_AWARE_TRIGGERS
from pos_app.store.faults import DamagedDatabase

log = logging.getLogger(__name__)

CATALOGUE_MIGRATIONS: list[str] = [
    # 1: what the till's schema 4 held of the catalogue (db.py migrations 1, 2 and 4), unchanged:
    # items with their name indexes (carrying the sku, the tie-breaker of every ORDER BY), the
    # trigram and word search indexes, and their triggers, quiet while items_bulk_write holds a row.
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
    CREATE INDEX items_name ON items (name COLLATE NOCASE, sku);
    CREATE INDEX items_category_name ON items (category, name COLLATE NOCASE, sku);
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        sku, name, barcode, content='items', content_rowid='rowid', tokenize='trigram'
    );
    CREATE VIRTUAL TABLE items_words USING fts5 (
        sku, name, content='items', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2'
    );
    CREATE TABLE items_bulk_write (marker INTEGER PRIMARY KEY CHECK (marker = 1));
    """ + BULK_AWARE_TRIGGERS,
    # 2: open-price items (issue 17): a "misc" item whose price is typed at the sale.
    "ALTER TABLE items ADD COLUMN open_price INTEGER NOT NULL DEFAULT 0 CHECK (open_price IN (0, 1));",
    # 3: names in natural order (issue 20): each item's domain.natural_order.natural_key, written by
    # every write of an item, '' until fill_name_keys() (run at every open) has filled it in.
    """
    ALTER TABLE items ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
    DROP INDEX items_name;
    DROP INDEX items_category_name;
    CREATE INDEX items_name_key ON items (name_key, sku);
    CREATE INDEX items_category_name_key ON items (category, name_key, sku);
    """,
]

COLUMNS = "sku, name, price, currency, category, barcode, tax_rate_bp"


def catalogue_path(till_path: Path | str) -> Path | str:
    """The catalogue file beside a till database (an in-memory till has an in-memory catalogue)."""
    if not isinstance(till_path, Path):
        return ":memory:"
    return till_path.with_name(f"{till_path.stem}-catalogue.sqlite3")


def open_catalogue_db(till: Database) -> Database:
    """The catalogue database of a till, with the items of an older (single-file) till moved in.

    A till whose items were moved out already (no items_to_move left) had its catalogue file: if
    that is gone, it is refused rather than made afresh, which would hide the lost catalogue
    behind an empty one (and break the cart's lines).
    """
    path = catalogue_path(till.path)
    if isinstance(path, Path) and not path.exists() and not _has_items_to_move(till):
        raise DamagedDatabase(_("the catalogue file {path} is missing beside {path2}: restore it from a backup (or "
                                "import the catalogue again into a copy of the folder)").format(
                                    path=path, path2=till.path))
    catalogue = Database(catalogue_path(till.path), migrations=CATALOGUE_MIGRATIONS)
    try:
        move_items_out(till, catalogue)
        fill_name_keys(catalogue)
    except BaseException:
        catalogue.close()
        raise
    return catalogue


def move_items_out(till: Database, catalogue: Database) -> None:
    """Items left in the till's file by its migration 5 (items_to_move) go to the catalogue file.

    Two commits, catalogue first: the items are in the catalogue, then the till's copy goes. A
    crash between the two leaves them in both, and the next start copies them again (the
    catalogue's copy is replaced, so nothing is doubled), so no order of failures loses one.
    """
    if not _has_items_to_move(till):
        return
    rows = [tuple(row) for row in till.query(f"SELECT {COLUMNS} FROM items_to_move ORDER BY rowid")]
    if rows:  # a brand-new till's is empty: a catalogue file already there (copied in, restored) stays
        _replace_items(catalogue, rows)
    with till.transaction() as conn:
        conn.execute("DROP TABLE items_to_move")


def fill_name_keys(catalogue: Database) -> None:
    """Items without their natural-order key (from before migration 3, or moved in) get it, in one
    transaction; the search indexes are left alone (their text does not change)."""
    if catalogue.query_one("SELECT 1 FROM items WHERE name_key = '' LIMIT 1") is None:
        return
    rows = [(natural_key(name), rowid) for rowid, name in catalogue.query(
        "SELECT rowid, name FROM items WHERE name_key = ''")]
    log.info("sorting %d catalogue names in natural order", len(rows))
    with catalogue.transaction() as conn:
        conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")  # the FTS triggers stay quiet
        conn.executemany("UPDATE items SET name_key = ? WHERE rowid = ?", rows)
        conn.execute("DELETE FROM items_bulk_write")


def _has_items_to_move(till: Database) -> bool:
    return till.query_one("SELECT 1 FROM sqlite_master WHERE name = 'items_to_move'") is not None


def _replace_items(catalogue: Database, rows: list[tuple[object, ...]]) -> None:
    log.info("moving %d catalogue items into %s", len(rows), catalogue.path)
    with catalogue.transaction() as conn:
        conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")  # no per-row index upkeep
        conn.execute("DELETE FROM items")
        conn.executemany(f"INSERT INTO items ({COLUMNS}) VALUES ({', '.join('?' * 7)})", rows)
        conn.execute("DELETE FROM items_bulk_write")
        for index in ("items_fts", "items_words"):  # both indexes rebuilt from the rows, once
            conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
