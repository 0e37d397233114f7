"""Discounts and price overrides on a cart's lines, and what they do to its totals (pure).

The rules, one each:

- A line's gross is its unit price (the catalogue's, or a manager's override) x qty.
- A discount is a percentage (basis points, 1..10000) or an amount (minor units); a percentage
  is rounded with pricing's one rounding function; an amount never takes a line below zero.
- A line discount comes off its own line; an order discount then comes off the lines after their
  own discounts, shared in proportion to what each line still comes to, by largest remainder
  (ties to the earlier line), so the shares add up to the order discount exactly and a line is
  never taken below zero.
- Tax is then computed by pricing's rule (once per rate, on the sum of the discounted line
  amounts at that rate), so totals, tax and the sum of the lines always agree.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pos_app.domain.money import Money
from pos_app.domain.order import OrderDiscount, OrderLine
from pos_app.domain.pricing import BP, PricedLine, PricingPolicy, Totals, div_round_half_up, summarize
from pos_app.errors import UserFacingError
from pos_app.i18n import _

MAX_REASON = 200


class DiscountError(UserFacingError, ValueError):
    """A discount or price that can't be given; the text names what is wrong."""


class DiscountKind(enum.StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True, slots=True)
class Discount:
    kind: DiscountKind
    value: int  # basis points for a percentage, minor units for an amount
    reason: str

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise DiscountError(_("a discount is a whole number, got {value!r}").format(value=self.value))
        if self.kind is DiscountKind.PERCENT and not 1 <= self.value <= BP:
            raise DiscountError(_("a percentage discount is from 0.01 % to 100 %"))
        if self.kind is DiscountKind.AMOUNT and self.value < 1:
            raise DiscountError(_("a discount amount is more than zero"))
        reason = self.reason.strip() if isinstance(self.reason, str) else ""
        if not reason or len(reason) > MAX_REASON or not reason.isprintable():
            raise DiscountError(_("a discount needs a reason (1 to {MAX_REASON} printable characters)").format(
                MAX_REASON=MAX_REASON))
        object.__setattr__(self, "reason", reason)

    def off(self, base: int) -> int:
        """What this discount takes off `base` (never more than `base`)."""
        if self.kind is DiscountKind.PERCENT:
            return min(base, div_round_half_up(base * self.value, BP))
        return min(base, self.value)

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "value": self.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class LineTerms:
    """What a line is sold at besides the catalogue: an overridden unit price, a discount."""

    unit_price: int | None = None  # a manager's override, minor units (an open-price item's typed price)
    override_reason: str = ""
    discount: Discount | None = None


@dataclass(frozen=True, slots=True)
class CatalogueLine:
    """A cart line as the catalogue prices it."""

    sku: str
    name: str
    qty: int
    unit_price: int
    tax_rate_bp: int


@dataclass(frozen=True, slots=True)
class DiscountedLine:
    line: PricedLine  # its line_total is after every discount
    gross: int  # unit price x qty, before any discount
    line_discount: int
    order_share: int  # its share of the order discount

    @property
    def discount(self) -> int:
        return self.line_discount + self.order_share


@dataclass(frozen=True, slots=True)
class DiscountedTotals:
    totals: Totals  # subtotal after discounts; tax on the discounted amounts
    lines: tuple[DiscountedLine, ...]
    gross: Money  # before any discount
    discount: Money  # every discount together

    def share_bp(self) -> int:
        """The discounts as a share of the gross, in basis points (the limit a cashier may give)."""
        gross = self.gross.amount
        return 0 if gross == 0 else div_round_half_up(self.discount.amount * BP, gross)


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` shared in proportion to `weights` (each >= 0) by largest remainder; the shares sum to
    `amount` (which must not exceed sum(weights)) and no share exceeds its weight."""
    total = sum(weights)
    if amount < 0 or any(w < 0 for w in weights) or amount > total:
        raise DiscountError(_("can't share {amount} over {list}").format(amount=amount, list=list(weights)))
    if amount == 0:
        return [0 for _ in weights]
    shares = [amount * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[:amount - sum(shares)]:
        shares[i] += 1
    return shares


def price_with_terms(lines: Sequence[CatalogueLine], terms: Mapping[str, LineTerms],
                     order_discount: Discount | None, policy: PricingPolicy) -> DiscountedTotals:
    """The cart's totals with its overrides and discounts (the rules in the module docstring)."""
    currency = policy.currency
    grosses, own = [], []
    for line in lines:
        term = terms.get(line.sku, LineTerms())
        unit = line.unit_price if term.unit_price is None else term.unit_price
        gross = unit * line.qty
        grosses.append((unit, gross))
        own.append(term.discount.off(gross) if term.discount else 0)
    after_own = [gross - off for (_, gross), off in zip(grosses, own, strict=True)]
    order_off = order_discount.off(sum(after_own)) if order_discount else 0
    shares = allocate(order_off, after_own)
    priced: list[DiscountedLine] = []
    base_by_rate: dict[int, int] = {}
    for line, (unit, gross), off, share in zip(lines, grosses, own, shares, strict=True):
        net = gross - off - share
        priced.append(DiscountedLine(
            PricedLine(line.sku, line.name, line.qty, Money(unit, currency), Money(net, currency), line.tax_rate_bp),
            gross, off, share))
        base_by_rate[line.tax_rate_bp] = base_by_rate.get(line.tax_rate_bp, 0) + net
    totals = summarize(base_by_rate, policy, tuple(d.line for d in priced))
    gross_total = sum(g for _, g in grosses)
    return DiscountedTotals(totals, tuple(priced), Money(gross_total, currency),
                            Money(gross_total - totals.subtotal.amount, currency))


def sold_lines(priced: DiscountedTotals, terms: Mapping[str, LineTerms],
               list_prices: Mapping[str, int]) -> tuple[OrderLine, ...]:
    """The order's lines of a priced cart: each with its discounts and override and their reasons.
    `list_prices` holds the catalogue's unit price of each line whose price a manager overrode."""
    lines = []
    for d in priced.lines:
        term = terms.get(d.line.sku, LineTerms())
        lines.append(OrderLine(
            d.line.sku, d.line.name, d.line.qty, d.line.unit_price.amount, d.line.line_total.amount,
            d.line.tax_rate_bp, line_discount=d.line_discount, order_share=d.order_share,
            discount_reason=term.discount.reason if term.discount and d.line_discount else "",
            list_price=list_prices.get(d.line.sku), override_reason=term.override_reason
            if d.line.sku in list_prices else ""))
    return tuple(lines)


def sold_order_discount(priced: DiscountedTotals, discount: Discount | None) -> OrderDiscount | None:
    """The order discount as the sale records it (None when there is none)."""
    if discount is None:
        return None
    return OrderDiscount(discount.kind.value, discount.value, discount.reason,
                         sum(d.order_share for d in priced.lines))
