"""Refunds of discounted sales (pure): a line never gives back more than it was sold for, tax included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.discounts import (
    CatalogueLine, Discount, DiscountKind, LineTerms, price_with_terms, sold_lines, sold_order_discount,
)
from pos_app.domain.order import Order
from pos_app.domain.pricing import PricingPolicy, TaxMode
from pos_app.domain.refunds import line_refund
from pos_app.domain.statuses import RefundStatus
from pos_app.errors import RefundRefused


class Done:
    """An earlier refund as the rule sees one (succeeded)."""

    def __init__(self, amount, lines):
        self.amount, self.lines, self.status = amount, lines, RefundStatus.SUCCEEDED
        self.group = None  # a refund of one row (refund groups: domain/refunds.py units_refunded)


def order_of(lines, terms, order_discount, mode) -> Order:
    priced = price_with_terms(lines, terms, order_discount, PricingPolicy("usd", mode))
    t = priced.totals
    return Order(number="000001", created_at=0, currency="usd", lines=sold_lines(priced, terms, {}),
                 subtotal=t.subtotal.amount, tax=t.tax.amount, total=t.total.amount, payment_intent="pi_1",
                 cart_uuid="c", tax_by_rate=tuple((r, m.amount) for r, m in t.tax_by_rate.items()),
                 order_discount=sold_order_discount(priced, order_discount))


def tax_share(order: Order, sku: str) -> int:
    """The most a line's tax may give back: its share of the tax at its rate, rounded up."""
    line = next(l for l in order.lines if l.sku == sku)
    if order.total != order.subtotal + order.tax or not order.tax:
        return 0
    base = sum(l.line_total for l in order.lines if l.tax_rate_bp == line.tax_rate_bp)
    tax = dict(order.tax_by_rate).get(line.tax_rate_bp, 0)
    return -(-tax * line.line_total // base) if base else 0


discounts = st.one_of(st.none(), st.builds(Discount, st.just(DiscountKind.PERCENT), st.integers(1, 10_000),
                                           st.just("r")),
                      st.builds(Discount, st.just(DiscountKind.AMOUNT), st.integers(1, 5_000), st.just("r")))
carts = st.lists(st.tuples(st.integers(1, 6), st.integers(1, 3_000), st.sampled_from([0, 500, 2000]), discounts),
                 min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(carts, discounts, st.sampled_from(list(TaxMode)), st.data())
def test_refunding_a_discounted_line_unit_by_unit_never_gives_back_more_than_it_was_sold_for(
        cart, order_discount, mode, data):
    lines = [CatalogueLine(f"s{i}", f"S{i}", qty, price, rate) for i, (qty, price, rate, _) in enumerate(cart)]
    terms = {f"s{i}": LineTerms(discount=d) for i, (*_, d) in enumerate(cart) if d}
    order = order_of(lines, terms, order_discount, mode)
    earlier: list[Done] = []
    given_back = {line.sku: 0 for line in order.lines}
    for line in order.lines:
        left = line.qty
        while left:
            qty = data.draw(st.integers(1, left))
            if order.total - sum(r.amount for r in earlier) <= 0:
                break
            try:
                amount, detail = line_refund(order, [(line.sku, qty)], earlier)
            except RefundRefused:  # units that came to nothing (a line discounted to 0): nothing to give back
                break
            earlier.append(Done(amount, detail))
            given_back[line.sku] += detail[0]["amount"]
            left -= qty
        assert given_back[line.sku] <= line.line_total + tax_share(order, line.sku)
    assert sum(r.amount for r in earlier) <= order.total


def test_a_half_price_line_gives_back_half_in_both_modes():
    lines = [CatalogueLine("tea", "Tea", 2, 1000, 2000)]
    terms = {"tea": LineTerms(discount=Discount(DiscountKind.PERCENT, 5000, "half price"))}
    exclusive = order_of(lines, terms, None, TaxMode.EXCLUSIVE)
    assert line_refund(exclusive, [("tea", 1)], [])[0] == 600  # 500 and its 100 of tax
    inclusive = order_of(lines, terms, None, TaxMode.INCLUSIVE)
    assert line_refund(inclusive, [("tea", 1)], [])[0] == 500
