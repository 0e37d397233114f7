"""Hypothesis properties of the refund rule (domain/refunds.py) and of its one rounding function."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.order import Order
from pos_app.domain.pricing import PricingPolicy, TaxMode, div_round_half_up, price_lines
from pos_app.domain.refunds import RefundedLine, left_to_refund, line_amount, line_refund
from pos_app.domain.statuses import RefundStatus
from pos_app.errors import RefundRefused

SKUS = [f"s{i}" for i in range(5)]


@dataclass(frozen=True)
class Earlier:
    """An earlier refund as the rule sees it (EarlierRefund)."""

    amount: int
    status: str = RefundStatus.SUCCEEDED
    lines: list[RefundedLine] = field(default_factory=list)
    group: int | None = None


def sale(draw: st.DrawFn) -> Order:
    count = draw(st.integers(1, len(SKUS)))
    items = {sku: Item(sku, sku, Money(draw(st.integers(1, 100_000)), "usd"),
                       tax_rate_bp=draw(st.sampled_from([0, 550, 1000, 2000]))) for sku in SKUS[:count]}
    lines = {sku: draw(st.integers(1, 6)) for sku in items}
    totals = price_lines(lines, items.__getitem__, PricingPolicy("usd", draw(st.sampled_from(list(TaxMode)))))
    return Order.from_totals(totals, number="000001", created_at=0, payment_intent="pi_1", cart_uuid="u")


orders = st.composite(sale)()


@given(st.integers(-10**12, 10**12), st.integers(-10**6, 10**6).filter(bool))
def test_the_one_rounding_function_rounds_half_away_from_zero(numerator, denominator):
    exact = Fraction(numerator, denominator)
    rounded = div_round_half_up(numerator, denominator)
    assert abs(exact - rounded) <= Fraction(1, 2)
    if abs(exact - rounded) == Fraction(1, 2):
        assert abs(rounded) > abs(exact)  # a half goes away from zero


@given(orders, st.randoms())
def test_refunding_every_unit_one_by_one_gives_back_exactly_what_was_paid(order, rnd):
    units = [line.sku for line in order.lines for _ in range(line.qty)]
    rnd.shuffle(units)
    earlier: list[Earlier] = []
    for sku in units:
        left = left_to_refund(order, earlier)
        amount, detail = line_refund(order, [(sku, 1)], earlier)  # every unit is refundable: none is refused
        assert 0 < amount <= left
        earlier.append(Earlier(amount, lines=detail))
    assert sum(r.amount for r in earlier) == order.total and left_to_refund(order, earlier) == 0
    with pytest.raises(RefundRefused):
        line_refund(order, [(order.lines[0].sku, 1)], earlier)


@given(orders, st.randoms())
def test_line_refunds_in_any_split_give_each_line_its_price_and_the_tax_exactly(order, rnd):
    """Units refunded in random groups, lines in random order: the detail always adds up to the
    refund, and the tax shares at each rate add up to exactly the tax charged at it (no cent
    taken early from the last units), so the whole order comes back to the cent."""
    units = [line.sku for line in order.lines for _ in range(line.qty)]
    rnd.shuffle(units)
    earlier: list[Earlier] = []
    while units:
        take = rnd.randint(1, min(4, len(units)))
        group, units = units[:take], units[take:]
        amount, detail = line_refund(order, [(sku, 1) for sku in group], earlier)
        assert amount == sum(row["amount"] for row in detail)
        earlier.append(Earlier(amount, lines=detail))
    assert sum(r.amount for r in earlier) == order.total
    sold = {line.sku: line for line in order.lines}
    given_back = {line.sku: 0 for line in order.lines}
    for record in earlier:
        for row in record.lines:
            given_back[row["sku"]] += row["amount"]
    for sku, amount in given_back.items():
        assert amount >= sold[sku].line_total  # each line got at least its price back


@given(orders)
def test_a_line_gives_back_its_price_and_at_most_the_tax_at_its_rate(order):
    taxes = dict(order.tax_by_rate)
    for line in order.lines:
        amount = line_amount(order, line.sku, line.qty)
        assert line.line_total <= amount <= line.line_total + taxes.get(line.tax_rate_bp, 0)
        if order.total == order.subtotal:  # inclusive (or no tax): the price holds the tax
            assert amount == line.line_total


@given(orders)
def test_failed_refunds_give_nothing_back_and_live_ones_count(order):
    failed = Earlier(order.total, RefundStatus.FAILED)
    assert left_to_refund(order, [failed]) == order.total
    pending = Earlier(order.total, RefundStatus.PENDING)
    with pytest.raises(RefundRefused):
        line_refund(order, [(order.lines[0].sku, 1)], [pending])
