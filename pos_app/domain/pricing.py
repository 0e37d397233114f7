"""Totals from trusted catalogue prices, in integer minor units.

Rounding rule (the only one): tax is computed once per tax rate, on the sum of the line
amounts at that rate, and rounded half up (half away from zero) to the currency's minor unit.
Grouping by rate makes the totals independent of line order and of how a quantity is split
across lines, and matches the "tax by rate" summary printed on receipts and the Z report.

In bhd, jod, kwd, omr and tnd (three decimals) tax rounds to a multiple of 10 minor units, as
card charges there must end in 0; item prices there must already be multiples of 10.

- exclusive mode: prices are net; tax = round(base * rate); total = subtotal + tax.
- inclusive mode: prices include tax; tax = round(gross * rate / (1 + rate)); total = subtotal.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pos_app.domain.item import Item
from pos_app.domain.money import Money, MoneyError, normalize_currency, smallest_step
from pos_app.i18n import _

BP = 10_000  # basis points in 100 %


class TaxMode(enum.StrEnum):
    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    currency: str = "usd"
    tax_mode: TaxMode = TaxMode.EXCLUSIVE

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", normalize_currency(self.currency))
        object.__setattr__(self, "tax_mode", TaxMode(self.tax_mode))


@dataclass(frozen=True, slots=True)
class PricedLine:
    sku: str
    name: str
    qty: int
    unit_price: Money
    line_total: Money
    tax_rate_bp: int


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    subtotal: Money
    tax: Money
    total: Money
    lines: tuple[PricedLine, ...] = ()
    tax_by_rate: Mapping[int, Money] = field(default_factory=dict)


def div_round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in exact integer arithmetic: the one
    rounding function of the till's money (tax here, a refunded line's share of tax in refunds.py)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    q, r = divmod(abs(numerator), abs(denominator))
    if 2 * r >= abs(denominator):
        q += 1
    return sign * q


def tax_for(base: int, rate_bp: int, mode: TaxMode, step: int = 1) -> int:
    """Tax on `base`, rounded half up to a multiple of `step` minor units (see money.smallest_step)."""
    if mode is TaxMode.EXCLUSIVE:
        return div_round_half_up(base * rate_bp, BP * step) * step
    return div_round_half_up(base * rate_bp, (BP + rate_bp) * step) * step


def price_lines(lines: Mapping[str, int], lookup: Callable[[str], Item],
                policy: PricingPolicy) -> Totals:
    """Price cart lines (sku -> qty) with items from the trusted catalogue lookup."""
    currency = policy.currency
    priced: list[PricedLine] = []
    base_by_rate: dict[int, int] = {}
    for sku, qty in lines.items():
        item = lookup(sku)
        if item.price.currency != currency:
            raise MoneyError(_("{sku} is priced in {currency}, the store sells in {currency2}").format(
                sku=sku, currency=item.price.currency, currency2=currency))
        amount = item.price.amount * qty
        priced.append(PricedLine(sku, item.name, qty, item.price, Money._checked(amount, currency), item.tax_rate_bp))
        base_by_rate[item.tax_rate_bp] = base_by_rate.get(item.tax_rate_bp, 0) + amount
    return summarize(base_by_rate, policy, tuple(priced))


def summarize(base_by_rate: Mapping[int, int], policy: PricingPolicy, lines: tuple[PricedLine, ...] = ()) -> Totals:
    """Totals from the sum of line amounts per tax rate (the rounding rule above).

    CartService keeps these sums up to date line by line, so the totals of a cart cost the same
    whatever its size; price_lines() computes them from the lines.
    """
    currency = policy.currency
    step = smallest_step(currency)
    tax_by_rate = {rate: Money._checked(tax_for(base, rate, policy.tax_mode, step), currency)
                   for rate, base in sorted(base_by_rate.items()) if rate and base}
    subtotal = sum(base_by_rate.values())
    tax = sum(m.amount for m in tax_by_rate.values())
    total = subtotal + tax if policy.tax_mode is TaxMode.EXCLUSIVE else subtotal
    return Totals(currency, Money._checked(subtotal, currency), Money._checked(tax, currency),
                  Money._checked(total, currency), lines, tax_by_rate)
