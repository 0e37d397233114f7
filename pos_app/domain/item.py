"""Catalogue items. Prices are trusted: they come from the catalogue, never from a client."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pos_app.domain.money import Money, smallest_step
from pos_app.errors import UserFacingError
from pos_app.i18n import _

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_TAX_RATE_BP = 10_000  # 100.00 %
MAX_PRICE = 99_999_999  # minor units: Stripe's largest charge (8 digits)


class ItemError(UserFacingError, ValueError):
    """An item definition is invalid; the message names the field."""


def ean13_is_valid(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    digits = [int(c) for c in code]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    return check == digits[12]


@dataclass(frozen=True, slots=True)
class Item:
    sku: str
    name: str
    price: Money  # unit price
    category: str = ""
    barcode: str | None = None  # EAN-13/UPC or any scanner code, digits only
    tax_rate_bp: int = 0  # basis points: 2000 = 20.00 %
    open_price: bool = False  # a "misc" item: its price is typed at the sale (a line term), never this one

    def __post_init__(self) -> None:
        if not isinstance(self.sku, str) or not SKU_PATTERN.match(self.sku):
            raise ItemError(_("sku {sku!r}: use 1-64 letters, digits, '.', '_' or '-'").format(sku=self.sku))
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > 200:
            raise ItemError(_("name of {sku}: must be 1-200 characters").format(sku=self.sku))
        if not isinstance(self.price, Money):
            raise TypeError("Item.price must be Money")
        if self.price.amount < 0:
            raise ItemError(_("price of {sku}: must not be negative").format(sku=self.sku))
        step = smallest_step(self.price.currency)
        if self.price.amount % step:
            raise ItemError(_("price of {sku}: {currency} prices must be whole multiples of {step} (card charges "
                              "must end in 0)").format(sku=self.sku, currency=self.price.currency.upper(),
                                                       step=Money(step, self.price.currency).to_decimal()))
        if self.price.amount > MAX_PRICE:
            raise ItemError(_("price of {sku}: at most {to_decimal:,} (the largest card charge)").format(
                sku=self.sku, to_decimal=Money(MAX_PRICE, self.price.currency).to_decimal()))
        if self.barcode is not None and (not (self.barcode.isascii() and self.barcode.isdigit())
                                         or not 6 <= len(self.barcode) <= 14):
            raise ItemError(_("barcode of {sku}: must be 6-14 digits").format(sku=self.sku))
        if (isinstance(self.tax_rate_bp, bool) or not isinstance(self.tax_rate_bp, int)
                or not 0 <= self.tax_rate_bp <= MAX_TAX_RATE_BP):
            raise ItemError(_("tax rate of {sku}: must be a percentage from 0 to 100").format(sku=self.sku))


class Catalogue(Mapping[str, Item]):
    """An in-memory sku -> Item lookup. The store offers the same get() for big catalogues."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._items: dict[str, Item] = {}
        self._by_barcode: dict[str, Item] = {}
        for item in items:
            self._items[item.sku] = item
            if item.barcode:
                self._by_barcode[item.barcode] = item

    def __getitem__(self, sku: str) -> Item:
        return self._items[sku]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def by_barcode(self, barcode: str) -> Item | None:
        return self._by_barcode.get(barcode)
