"""The catalogue in SQLite: lookups by sku and barcode, fast search, CSV import.

Search stays fast on hundreds of thousands of items: three or more characters use the FTS5
trigram index (substring match on name, sku and barcode); one or two use the name/sku indexes as
a prefix match. Results are paged; nothing scans the table per keystroke.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import Money, MoneyError
from pos_app.domain.natural_order import natural_key
from pos_app.i18n import _
from pos_app.store.catalogue_csv import (CSV_FIELDS, MAX_IMPORT_ROWS, CatalogueImportError, decode,  # noqa: F401
                                         parse_catalogue_csv)
from pos_app.store.catalogue_import import UPSERT, ImportProgress, ImportResult, import_items
from pos_app.store.db import Database

#: A search gives at most this many items: enough for any cashier, bounded cost per keystroke.
SEARCH_CAP = 2_000

#: A query's words, as the word index (unicode61) splits names: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")


def _quoted(text: str) -> str:
    """text as one FTS5 string (its own double quotes doubled), so no query syntax gets through."""
    return '"' + text.replace('"', '""') + '"'


class CatalogueStore:
    def __init__(self, db: Database, currency: str) -> None:
        self.db = db  # the catalogue's own file (catalogue_db.py), not the till's
        self.currency = currency

    @staticmethod
    def _item(row: sqlite3.Row) -> Item:
        return Item(sku=row["sku"], name=row["name"], price=Money(row["price"], row["currency"]),
                    category=row["category"], barcode=row["barcode"], tax_rate_bp=row["tax_rate_bp"],
                    open_price=bool(row["open_price"]))

    # -- lookups -------------------------------------------------------------------------------

    def get(self, sku: str) -> Item | None:
        row = self.db.query_one("SELECT * FROM items WHERE sku = ?", (sku,))
        return self._item(row) if row else None

    def __contains__(self, sku: object) -> bool:
        return isinstance(sku, str) and self.db.query_one("SELECT 1 FROM items WHERE sku = ?", (sku,)) is not None

    def __getitem__(self, sku: str) -> Item:
        item = self.get(sku)
        if item is None:
            raise KeyError(sku)
        return item

    def by_barcode(self, barcode: str) -> Item | None:
        row = self.db.query_one("SELECT * FROM items WHERE barcode = ?", (barcode,))
        return self._item(row) if row else None

    def count(self) -> int:
        return self._count("SELECT count(*) FROM items")

    def _count(self, sql: str, params: Sequence[object] = ()) -> int:
        row = self.db.query_one(sql, params)
        return int(row[0]) if row is not None else 0

    def categories(self) -> list[str]:
        return [r[0] for r in self.db.query(
            "SELECT DISTINCT category FROM items WHERE category != '' ORDER BY category")]

    @staticmethod
    def _match(text: str) -> list[tuple[str, str]]:
        """The (FTS table, MATCH expression) pairs whose matches, together, answer a query.

        One word: three characters or more are a substring of name, sku or barcode; one or two
        start a word of the name or sku. Several words: each starts some word of the name, in any
        order ("choc chip" finds Chocolate Chip Cookie); when no item matches so, the whole text as a
        substring, as before ("late chip" still finds Chocolate Chip). _candidates() takes them in turn.
        """
        substring = [("items_fts", _quoted(text))] if len(text) >= 3 else []
        words = _WORD.findall(text)
        if len(text.split()) < 2:
            return substring or ([("items_words", _quoted(text) + "*")] if words else [])
        if not words:
            return substring
        prefixes = "name : (" + " AND ".join(_quoted(word) + "*" for word in words) + ")"
        return [("items_words", prefixes), *substring]

    def _candidates(self, text: str, category: str | None) -> tuple[str, list[str]]:
        """SQL for the rowids of at most SEARCH_CAP + 1 matching items (in catalogue order).

        Several words: the word-prefix match; only when it finds nothing, the text as a substring
        ("late chip"). A UNION of the two sorted and merged both sets in full (3x the prefix query
        alone at 250k items), and the substring scan mostly adds nothing a cashier typing word
        starts wants.
        """
        matches = self._match(text)
        if not matches:
            raise ValueError(f"{text!r} can match nothing: ask _match() first")
        prefixes = self._matching(*matches[0], category, SEARCH_CAP + 1)
        if len(matches) == 1 or self.db.query_one(*prefixes) is not None:
            return prefixes
        return self._matching(*matches[1], category, SEARCH_CAP + 1)

    @staticmethod
    def _matching(table: str, expression: str, category: str | None, limit: int) -> tuple[str, list[str]]:
        sql, params = f"SELECT f.rowid FROM {table} f", [expression]
        if category:
            sql += f" JOIN items c ON c.rowid = f.rowid WHERE f.{table} MATCH ? AND c.category = ?"
            params.append(category)
        else:
            sql += f" WHERE f.{table} MATCH ?"
        return sql + f" LIMIT {limit}", params

    def search(self, text: str = "", category: str | None = None, *, limit: int = 200,
               offset: int = 0) -> list[Item]:
        """One page of the items matching text (name, sku or barcode) in a category, by name.

        Three characters or more match anywhere (FTS5 trigram index); one or two match the start
        of a word of the name or sku ("mi" finds Milk, Mild). Without text, the whole catalogue
        (or category) in name order. A query matching more than SEARCH_CAP items gives the first
        SEARCH_CAP of them (in catalogue order) sorted by name: the cost of a keystroke stays
        bounded however big the catalogue is; match_count() tells the window to say so.
        """
        text = text.strip()
        if not text:
            where, params = ("WHERE category = ?", [category]) if category else ("", list[str]())
            sql = f"SELECT * FROM items {where} ORDER BY name_key, sku LIMIT ? OFFSET ?"
            return [self._item(r) for r in self.db.query(sql, (*params, limit, offset))]
        if not self._match(text):
            return []
        candidates, params = self._candidates(text, category)
        sql = (f"SELECT i.* FROM items i JOIN ({candidates}) m ON i.rowid = m.rowid"
               f" ORDER BY i.name_key, i.sku LIMIT ? OFFSET ?")
        return [self._item(r) for r in self.db.query(sql, (*params, min(limit, max(SEARCH_CAP - offset, 0)),
                                                               offset))]

    def match_count(self, text: str = "", category: str | None = None) -> int:
        """How many items search() can page through; SEARCH_CAP + 1 means "more than SEARCH_CAP"."""
        text = text.strip()
        if not text:
            if category:
                return self._count("SELECT count(*) FROM items WHERE category = ?", (category,))
            return self.count()
        if not self._match(text):
            return 0
        candidates, params = self._candidates(text, category)
        return self._count(f"SELECT count(*) FROM ({candidates})", params)

    def close(self) -> None:
        self.db.close()

    # -- changes -------------------------------------------------------------------------------

    def upsert(self, items: Iterable[Item]) -> ImportResult:
        """Add or update items in one transaction (all or nothing)."""
        added = updated = 0
        with self.db.transaction() as conn:
            for item in items:
                if item.price.currency != self.currency:
                    raise MoneyError(_("{sku} is priced in {currency}; the store sells in {currency2}").format(
                        sku=item.sku, currency=item.price.currency, currency2=self.currency))
                exists = conn.execute("SELECT 1 FROM items WHERE sku = ?", (item.sku,)).fetchone()
                if item.barcode:
                    clash = conn.execute("SELECT sku FROM items WHERE barcode = ? AND sku != ?",
                                         (item.barcode, item.sku)).fetchone()
                    if clash:
                        raise ItemError(_("barcode {barcode} of {sku} already belongs to {clash}").format(
                            barcode=item.barcode, sku=item.sku, clash=clash[0]))
                conn.execute(UPSERT, (item.sku, item.name, item.price.amount, item.price.currency, item.category,
                                      item.barcode, item.tax_rate_bp, int(item.open_price), natural_key(item.name)))
                self._written(conn, item)
                if exists:
                    updated += 1
                else:
                    added += 1
        return ImportResult(added, updated)

    @staticmethod
    def _written(conn: sqlite3.Connection, item: Item) -> None:
        """After an item's write: FTS5's triggers keep SQLite's search indexes (PgCatalogueStore writes its own)."""

    def import_csv(self, path: Path, locale: str = "en_US", progress: ImportProgress | None = None) -> ImportResult:
        """Add or update the items of a CSV file (see catalogue_csv for what it accepts).

        Every row is checked first (CatalogueImportError names the line; nothing written); then only
        what changed is written, in short transactions, so the till keeps selling meanwhile.
        """
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CatalogueImportError(0, "file", f"cannot read {path}: {exc.strerror or exc}") from None
        parsed = parse_catalogue_csv(decode(data), self.currency, locale,
                                     progress.read if progress is not None else None)
        try:
            return import_items(self.db, self.currency, parsed.items, warnings=parsed.warnings, progress=progress)
        except (ItemError, MoneyError) as exc:
            raise CatalogueImportError(0, "row", exc.message) from None
