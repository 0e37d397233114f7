"""The catalogue in SQLite: lookups by sku and barcode, fast search, CSV import.

Search stays fast on hundreds of thousands of items: three or more characters use the FTS5
trigram index (substring match on name, sku and barcode); one or two use the name/sku indexes as
a prefix match. Results are paged; nothing scans the table per keystroke.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import Money, MoneyError
from pos_app.i18n import _
from pos_app.store.catalogue_csv import (CSV_FIELDS, MAX_IMPORT_ROWS, CatalogueImportError, decode,  # noqa: F401
                                         parse_catalogue_csv)
from pos_app.store.catalogue_import import ImportProgress, ImportResult, import_items
from pos_app.store.db import Database

#: A search gives at most this many items: enough for any cashier, bounded cost per keystroke.
SEARCH_CAP = 2_000


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

    def _match(self, text: str) -> tuple[str, str] | None:
        """(FTS table, MATCH expression) for a query, or None if it can match nothing."""
        if len(text) >= 3:  # substring of name, sku or barcode
            return "items_fts", '"' + text.replace('"', '""') + '"'
        if not any(ch.isalnum() for ch in text):
            return None
        return "items_words", '"' + text.replace('"', '""') + '"*'  # a word of the name or sku starts so

    def _candidates(self, text: str, category: str | None) -> tuple[str, list[str]]:
        """SQL for the rowids of at most SEARCH_CAP + 1 matching items (in catalogue order)."""
        match = self._match(text)
        if match is None:
            raise ValueError(f"{text!r} can match nothing: ask _match() first")
        table, expression = match
        sql = f"SELECT f.rowid FROM {table} f"
        params: list[str] = [expression]
        if category:
            sql += f" JOIN items c ON c.rowid = f.rowid WHERE f.{table} MATCH ? AND c.category = ?"
            params.append(category)
        else:
            sql += f" WHERE f.{table} MATCH ?"
        return sql + f" LIMIT {SEARCH_CAP + 1}", params

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
            sql = f"SELECT * FROM items {where} ORDER BY name COLLATE NOCASE, sku LIMIT ? OFFSET ?"
            return [self._item(r) for r in self.db.query(sql, (*params, limit, offset))]
        if self._match(text) is None:
            return []
        candidates, params = self._candidates(text, category)
        sql = (f"SELECT i.* FROM items i JOIN ({candidates}) m ON i.rowid = m.rowid"
               f" ORDER BY i.name COLLATE NOCASE, i.sku LIMIT ? OFFSET ?")
        return [self._item(r) for r in self.db.query(sql, (*params, min(limit, max(SEARCH_CAP - offset, 0)),
                                                               offset))]

    def match_count(self, text: str = "", category: str | None = None) -> int:
        """How many items search() can page through; SEARCH_CAP + 1 means "more than SEARCH_CAP"."""
        text = text.strip()
        if not text:
            if category:
                return self._count("SELECT count(*) FROM items WHERE category = ?", (category,))
            return self.count()
        if self._match(text) is None:
            return 0
        candidates, params = self._candidates(text, category)
        return self._count(f"SELECT count(*) FROM ({candidates})", params)

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
                conn.execute(
                    "INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp, open_price)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
                    " price = excluded.price, currency = excluded.currency, category = excluded.category,"
                    " barcode = excluded.barcode, tax_rate_bp = excluded.tax_rate_bp,"
                    " open_price = excluded.open_price",
                    (item.sku, item.name, item.price.amount, item.price.currency, item.category,
                     item.barcode, item.tax_rate_bp, int(item.open_price)))
                if exists:
                    updated += 1
                else:
                    added += 1
        return ImportResult(added, updated)

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
