"""The catalogue in SQLite: lookups by sku and barcode, fast search, CSV import.

Search stays fast on hundreds of thousands of items: three or more characters use the FTS5
trigram index (substring match on name, sku and barcode); one or two use the name/sku indexes as
a prefix match. Results are paged; nothing scans the table per keystroke.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import Money, MoneyError, parse_money
from pos_app.errors import UserFacingError
from pos_app.store.db import Database

CSV_FIELDS = ("sku", "name", "price", "category", "barcode", "tax_rate")
REQUIRED_FIELDS = ("sku", "name", "price")
MAX_IMPORT_ROWS = 1_000_000


class CatalogueImportError(UserFacingError):
    """A CSV row is invalid. Names the line and the field; nothing was imported."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        super().__init__(f"line {line}, field {field!r}: {problem}")
        self.line, self.field, self.problem = line, field, problem


def _row_to_item(row: dict[str, str], line: int, currency: str) -> Item:
    def field(name: str) -> str:
        return (row.get(name) or "").strip()

    for name in REQUIRED_FIELDS:
        if not field(name):
            raise CatalogueImportError(line, name, "is empty")
    try:
        price = parse_money(field("price"), currency)
    except MoneyError as exc:
        raise CatalogueImportError(line, "price", exc.message) from None
    if price.amount < 0:
        raise CatalogueImportError(line, "price", "must not be negative")
    tax_text = field("tax_rate") or "0"
    try:
        tax_bp = Decimal(tax_text) * 100
    except InvalidOperation:
        raise CatalogueImportError(line, "tax_rate", f"{tax_text!r} is not a percentage") from None
    if not tax_bp.is_finite() or tax_bp != tax_bp.to_integral_value() or not 0 <= tax_bp <= 10_000:
        raise CatalogueImportError(line, "tax_rate", f"{tax_text!r}: use a percentage 0-100 with at most 2 decimals")
    try:
        return Item(sku=field("sku"), name=field("name"), price=price, category=field("category"),
                    barcode=field("barcode") or None, tax_rate_bp=int(tax_bp))
    except ItemError as exc:
        raise CatalogueImportError(line, _field_named_in(exc.message), exc.message) from None


def _field_named_in(message: str) -> str:
    for name in ("barcode", "tax rate", "price", "name", "sku"):
        if message.startswith(name):
            return name.replace(" ", "_")
    return "row"


def parse_catalogue_csv(text: str, currency: str) -> list[Item]:
    """Validate every row of a catalogue CSV; CatalogueImportError on the first bad one."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise CatalogueImportError(1, "header", "the file is empty")
    header = [h.strip() for h in reader.fieldnames]
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if missing:
        raise CatalogueImportError(1, missing[0], f"column missing; expected columns {', '.join(CSV_FIELDS)}")
    unknown = [h for h in header if h not in CSV_FIELDS]
    if unknown:
        raise CatalogueImportError(1, unknown[0], f"unknown column; expected {', '.join(CSV_FIELDS)}")
    reader.fieldnames = header
    items: list[Item] = []
    skus: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise CatalogueImportError(line, "row", "has more values than the header has columns")
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        item = _row_to_item(row, line, currency)
        if item.sku in skus:
            raise CatalogueImportError(line, "sku", f"{item.sku!r} already on line {skus[item.sku]}")
        if item.barcode and item.barcode in barcodes:
            raise CatalogueImportError(line, "barcode", f"{item.barcode} already on line {barcodes[item.barcode]}")
        skus[item.sku] = line
        if item.barcode:
            barcodes[item.barcode] = line
        items.append(item)
        if len(items) > MAX_IMPORT_ROWS:
            raise CatalogueImportError(line, "row", f"more than {MAX_IMPORT_ROWS} rows")
    return items


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


class CatalogueStore:
    def __init__(self, db: Database, currency: str) -> None:
        self._db = db
        self.currency = currency

    @staticmethod
    def _item(row) -> Item:
        return Item(sku=row["sku"], name=row["name"], price=Money(row["price"], row["currency"]),
                    category=row["category"], barcode=row["barcode"], tax_rate_bp=row["tax_rate_bp"])

    # -- lookups -------------------------------------------------------------------------------

    def get(self, sku: str) -> Item | None:
        row = self._db.query_one("SELECT * FROM items WHERE sku = ?", (sku,))
        return self._item(row) if row else None

    def __contains__(self, sku: object) -> bool:
        return isinstance(sku, str) and self._db.query_one("SELECT 1 FROM items WHERE sku = ?", (sku,)) is not None

    def __getitem__(self, sku: str) -> Item:
        item = self.get(sku)
        if item is None:
            raise KeyError(sku)
        return item

    def by_barcode(self, barcode: str) -> Item | None:
        row = self._db.query_one("SELECT * FROM items WHERE barcode = ?", (barcode,))
        return self._item(row) if row else None

    def count(self) -> int:
        return self._db.query_one("SELECT count(*) FROM items")[0]

    def categories(self) -> list[str]:
        return [r[0] for r in self._db.query(
            "SELECT DISTINCT category FROM items WHERE category != '' ORDER BY category")]

    def search(self, text: str = "", category: str | None = None, *, limit: int = 200,
               offset: int = 0) -> list[Item]:
        """Items matching text (name, sku or barcode) in a category, ordered by name, one page."""
        text = text.strip()
        where, params = [], []
        if category:
            where.append("i.category = ?")
            params.append(category)
        if len(text) >= 3:
            where.append("i.rowid IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            params.append('"' + text.replace('"', '""') + '"')
        elif text:
            like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(i.name LIKE ? ESCAPE '\\' OR i.sku LIKE ? ESCAPE '\\' OR i.barcode LIKE ? ESCAPE '\\')")
            params += [like, like, like]
        sql = "SELECT i.* FROM items i"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY i.name COLLATE NOCASE, i.sku LIMIT ? OFFSET ?"
        return [self._item(r) for r in self._db.query(sql, (*params, limit, offset))]

    # -- changes -------------------------------------------------------------------------------

    def upsert(self, items: Iterable[Item]) -> ImportResult:
        """Add or update items in one transaction (all or nothing)."""
        added = updated = 0
        with self._db.transaction() as conn:
            for item in items:
                if item.price.currency != self.currency:
                    raise MoneyError(f"{item.sku} is priced in {item.price.currency}; the store sells in {self.currency}")
                exists = conn.execute("SELECT 1 FROM items WHERE sku = ?", (item.sku,)).fetchone()
                if item.barcode:
                    clash = conn.execute("SELECT sku FROM items WHERE barcode = ? AND sku != ?",
                                         (item.barcode, item.sku)).fetchone()
                    if clash:
                        raise ItemError(f"barcode {item.barcode} of {item.sku} already belongs to {clash[0]}")
                conn.execute(
                    "INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name,"
                    " price = excluded.price, currency = excluded.currency, category = excluded.category,"
                    " barcode = excluded.barcode, tax_rate_bp = excluded.tax_rate_bp",
                    (item.sku, item.name, item.price.amount, item.price.currency, item.category,
                     item.barcode, item.tax_rate_bp))
                if exists:
                    updated += 1
                else:
                    added += 1
        return ImportResult(added, updated)

    def import_csv(self, path: Path) -> ImportResult:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CatalogueImportError(1, "file", f"not UTF-8 text ({exc.reason})") from None
        items = parse_catalogue_csv(text, self.currency)
        try:
            return self.upsert(items)
        except (ItemError, MoneyError) as exc:
            raise CatalogueImportError(0, "row", exc.message) from None
