"""CartSnapshot: the active cart at one moment, priced (quickly without terms, by price_with_terms with them).

CartService (cart_service.py) hands these out; the checkout charges one and the sale records
its lines as sold_lines() gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pos_app.domain.discounts import (
    CatalogueLine, Discount, DiscountedTotals, LineTerms, price_with_terms, sold_lines, sold_order_discount,
)
from pos_app.domain.item import Item
from pos_app.domain.money import MoneyError
from pos_app.domain.order import OrderDiscount, OrderLine
from pos_app.domain.pricing import PricedLine, PricingPolicy, Totals, price_lines
from pos_app.i18n import _


@dataclass(frozen=True)
class CartSnapshot:
    """The cart at one moment. `summary` (subtotal, tax, total) costs the same whatever the cart's
    size; `totals` (with every priced line) is worked out on first use."""

    cart_id: int
    uuid: str
    lines: Mapping[str, int]
    summary: Totals
    frozen: bool
    in_doubt: bool
    _items: Mapping[str, Item] = field(repr=False, compare=False, default_factory=dict)
    _pricing: PricingPolicy = field(repr=False, compare=False, default_factory=PricingPolicy)
    terms: Mapping[str, LineTerms] = field(default_factory=dict)  # lines with an override or a discount
    order_discount: Discount | None = None
    priced: DiscountedTotals | None = field(default=None, repr=False, compare=False)  # when it has terms

    @cached_property
    def totals(self) -> Totals:
        if self.priced is not None:
            return self.priced.totals
        return price_lines(self.lines, self._items.__getitem__, self._pricing)

    def line(self, sku: str) -> PricedLine | None:
        """One priced line, without pricing the others (with its terms, when the cart has any)."""
        qty = self.lines.get(sku)
        if not qty:
            return None
        if self.priced is not None:
            return next(d.line for d in self.priced.lines if d.line.sku == sku)
        item = self._items[sku]
        return PricedLine(sku, item.name, qty, item.price, item.price * qty, item.tax_rate_bp)

    def item(self, sku: str) -> Item:
        return self._items[sku]

    def price_with(self, terms: Mapping[str, LineTerms], order_discount: Discount | None) -> DiscountedTotals:
        """What these lines would come to with other terms (the discount limit is checked on it)."""
        return price_cart(self.lines, self._items, terms, order_discount, self._pricing)

    def sold_lines(self) -> tuple[OrderLine, ...]:
        """The lines as the sale records them: gross, discounts, override, reasons."""
        if self.priced is None:
            return tuple(OrderLine(p.sku, p.name, p.qty, p.unit_price.amount, p.line_total.amount,
                                   p.tax_rate_bp) for p in self.totals.lines)
        overridden = {sku: self._items[sku].price.amount for sku, t in self.terms.items()
                      if t.unit_price is not None and not self._items[sku].open_price}
        return sold_lines(self.priced, self.terms, overridden)

    def sold_order_discount(self) -> OrderDiscount | None:
        return sold_order_discount(self.priced, self.order_discount) if self.priced is not None else None

    @property
    def empty(self) -> bool:
        return not self.lines



def price_cart(lines: Mapping[str, int], items: Mapping[str, Item], terms: Mapping[str, LineTerms],
               order_discount: Discount | None, pricing: PricingPolicy) -> DiscountedTotals:
    """The lines' totals with their terms (domain.discounts.price_with_terms over the trusted items)."""
    catalogue_lines = []
    for sku, qty in lines.items():
        item = items[sku]
        if item.price.currency != pricing.currency:
            raise MoneyError(_("{sku} is priced in {currency}, the store sells in {currency2}").format(
                sku=sku, currency=item.price.currency, currency2=pricing.currency))
        catalogue_lines.append(CatalogueLine(sku, item.name, qty, item.price.amount, item.tax_rate_bp))
    return price_with_terms(catalogue_lines, terms, order_discount, pricing)
