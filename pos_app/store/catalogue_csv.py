"""Reading a catalogue CSV as spreadsheets write it.

Comma, semicolon or tab separated, a UTF-8 BOM, a decimal comma where the shop's locale uses one,
"20%" for a tax rate, extra columns ignored.

Every row is checked before anything is written; a bad one raises CatalogueImportError naming its
line and field in the shop's own terms (prices as amounts, rates as percentages).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal

from pos_app.domain.item import Item, ItemError
from pos_app.domain.money import Money, MoneyError, currency_digits
from pos_app.errors import UserFacingError
from pos_app.i18n import _

CSV_FIELDS = ("sku", "name", "price", "category", "barcode", "tax_rate", "open_price")
OPEN_PRICE_WORDS = {"": False, "no": False, "n": False, "0": False, "false": False,
                    "yes": True, "y": True, "1": True, "true": True}
REQUIRED_FIELDS = ("sku", "name", "price")
MAX_IMPORT_ROWS = 1_000_000
DELIMITERS = (",", ";", "\t")

Progress = Callable[[int], None]  # called with the number of rows read so far


class CatalogueImportError(UserFacingError):
    """A CSV row is invalid. Names the line and the field; nothing was imported."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        where = f"line {line}, field {field!r}" if field else f"line {line}"
        super().__init__(_("{where}: {problem}").format(where=where, problem=problem))
        self.line, self.field, self.problem = line, field, problem


@dataclass
class ParsedCatalogue:
    items: list[Item]
    warnings: list[str] = field(default_factory=list)
    delimiter: str = ","


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM); a bad byte is reported on its own line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogueImportError(line, "", f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8 text: "
                                   "save the file as UTF-8 (\"CSV UTF-8\" in Excel, UTF-8 in LibreOffice)") from None


def _delimiter(first_line: str) -> str:
    """The separator whose split of the header names the required columns."""
    for delimiter in DELIMITERS:
        names = {h.strip().lower() for h in first_line.split(delimiter)}
        if all(f in names for f in REQUIRED_FIELDS):
            return delimiter
    return ","


class _Numbers:
    """Amounts as the shop writes them: its locale's decimal separator, or a plain point."""

    def __init__(self, currency: str, locale: str) -> None:
        self.currency, self.locale = currency, locale
        self.comma = get_decimal_symbol(locale) == ","
        self.digits = currency_digits(currency)

    def decimal(self, text: str) -> Decimal:
        plain = text.replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if plain.isascii() and plain.replace(".", "", 1).lstrip("-").isdigit():
            if self.comma and plain.count(".") == 1 and len(plain.split(".")[1]) == 3:
                raise ValueError(f"{text!r} is ambiguous in {self.locale}: write it with a decimal comma "
                                 f"(e.g. {plain.replace('.', ',')}) or without the point")
            return Decimal(plain)
        if not plain.isascii():
            raise ValueError(f"{text!r} is not a number")
        try:
            return parse_decimal(plain, self.locale, strict=True)
        except NumberFormatError:
            example = "1234,50" if self.comma else "1234.50"
            raise ValueError(f"{text!r} is not a number as {self.locale} (POS_LOCALE) writes one, "
                             f"e.g. {example}") from None

    def price(self, text: str) -> Money:
        value = self.decimal(text)
        if value and value.adjusted() > 12:
            raise ValueError(f"{text!r} is far too large a price")
        minor = value.scaleb(self.digits)
        if minor != minor.to_integral_value():
            raise ValueError(f"{text!r} has more than {self.digits} decimals for {self.currency.upper()}")
        return Money(int(minor), self.currency)

    def tax_bp(self, text: str) -> int:
        percent = self.decimal(text.strip().removesuffix("%").strip())
        bp = percent * 100
        if not bp.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= 10_000:
            raise ValueError(f"{text!r}: use a percentage from 0 to 100 with at most 2 decimals (e.g. 20 or 7.5%)")
        return int(bp)


def _row_to_item(row: dict[str, str], line: int, numbers: _Numbers) -> Item:
    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    for name in REQUIRED_FIELDS:
        if not value(name):
            raise CatalogueImportError(line, name, "is empty")
    try:
        price = numbers.price(value("price"))
    except (ValueError, MoneyError, InvalidOperation) as exc:
        raise CatalogueImportError(line, "price", str(exc)) from None
    if price.amount < 0:
        raise CatalogueImportError(line, "price", "must not be negative")
    try:
        tax_bp = numbers.tax_bp(value("tax_rate") or "0")
    except (ValueError, InvalidOperation) as exc:
        raise CatalogueImportError(line, "tax_rate", str(exc)) from None
    open_price = OPEN_PRICE_WORDS.get(value("open_price").lower())
    if open_price is None:
        raise CatalogueImportError(line, "open_price", f"{value('open_price')!r}: write yes or no (empty is no)")
    try:
        return Item(sku=value("sku"), name=value("name"), price=price, category=value("category"),
                    barcode=value("barcode") or None, tax_rate_bp=tax_bp, open_price=open_price)
    except ItemError as exc:
        raise CatalogueImportError(line, _field_named_in(exc.message), exc.message) from None


def _field_named_in(message: str) -> str:
    for name in ("barcode", "tax rate", "price", "name", "sku"):
        if message.startswith(name):
            return name.replace(" ", "_")
    return "row"


def parse_catalogue_csv(text: str, currency: str, locale: str = "en_US",
                        progress: Progress | None = None) -> ParsedCatalogue:
    """Validate every row of a catalogue CSV; CatalogueImportError on the first bad one."""
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        raise CatalogueImportError(1, "header", "the file is empty")
    header = [h.strip().lower() for h in reader.fieldnames]
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if missing:
        raise CatalogueImportError(1, missing[0], "column missing; the first line must name the columns "
                                   f"{', '.join(CSV_FIELDS)} (separated by commas, semicolons or tabs)")
    parsed = ParsedCatalogue([], delimiter=delimiter)
    extra = [h for h in header if h not in CSV_FIELDS]
    if extra:
        parsed.warnings.append(f"column(s) {', '.join(repr(h) for h in extra)} ignored: pos-app reads "
                               f"{', '.join(CSV_FIELDS)}")
    reader.fieldnames = header
    numbers = _Numbers(currency, locale)
    skus: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    items = parsed.items
    for row in reader:
        line = reader.line_num
        if None in row:
            raise CatalogueImportError(line, "row", "has more values than the header has columns"
                                       + (" (a decimal comma in a comma-separated file must be quoted, or "
                                          "separate the columns with semicolons)" if delimiter == "," else ""))
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        item = _row_to_item(row, line, numbers)
        if item.sku in skus:
            raise CatalogueImportError(line, "sku", f"{item.sku!r} already on line {skus[item.sku]}")
        if item.barcode and item.barcode in barcodes:
            raise CatalogueImportError(line, "barcode", f"{item.barcode} already on line {barcodes[item.barcode]}")
        skus[item.sku] = line
        if item.barcode:
            barcodes[item.barcode] = line
        items.append(item)
        if len(items) > MAX_IMPORT_ROWS:
            raise CatalogueImportError(line, "row", f"more than {MAX_IMPORT_ROWS:,} rows")
        if progress is not None and len(items) % 5_000 == 0:
            progress(len(items))
    if progress is not None:
        progress(len(items))
    return parsed

