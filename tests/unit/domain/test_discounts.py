"""Discounts and overrides (pure): the shares of an order discount, and totals that always agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.discounts import (
    CatalogueLine, Discount, DiscountError, DiscountKind, LineTerms, allocate, price_with_terms,
)
from pos_app.domain.pricing import PricingPolicy, TaxMode, price_lines
from pos_app.domain.item import Item
from pos_app.domain.money import Money

USD = PricingPolicy("usd")


def line(sku: str, qty: int, price: int, rate: int = 0) -> CatalogueLine:
    return CatalogueLine(sku, sku.title(), qty, price, rate)


def test_a_line_discount_then_an_order_discount_shared_by_what_each_line_comes_to():
    lines = [line("a", 2, 1000), line("b", 1, 500)]
    priced = price_with_terms(lines, {"a": LineTerms(discount=Discount(DiscountKind.PERCENT, 1000, "damaged box"))},
                              Discount(DiscountKind.AMOUNT, 100, "loyal customer"), USD)
    a, b = priced.lines
    assert (a.gross, a.line_discount, b.line_discount) == (2000, 200, 0)
    assert (a.order_share, b.order_share) == (78, 22)  # 1800 : 500 of 100, by largest remainder
    assert (a.line.line_total.amount, b.line.line_total.amount) == (1722, 478)
    assert (priced.gross.amount, priced.discount.amount, priced.totals.total.amount) == (2500, 300, 2200)
    assert priced.share_bp() == 1200  # 12 %


def test_a_price_override_prices_the_line_and_tax_is_on_the_discounted_amount():
    override = {"a": LineTerms(unit_price=800, override_reason="price match")}
    priced = price_with_terms([line("a", 3, 1000, rate=2000)], override,
                              Discount(DiscountKind.PERCENT, 5000, "half price"), USD)
    assert priced.lines[0].line.unit_price.amount == 800
    assert (priced.totals.subtotal.amount, priced.totals.tax.amount, priced.totals.total.amount) == (1200, 240, 1440)


def test_an_amount_never_takes_a_line_below_zero():
    priced = price_with_terms([line("a", 1, 300)], {"a": LineTerms(discount=Discount(DiscountKind.AMOUNT, 500, "x"))},
                              Discount(DiscountKind.AMOUNT, 100, "y"), USD)
    assert priced.totals.total.amount == 0 and priced.discount.amount == 300


@pytest.mark.parametrize(("kind", "value", "reason", "message"), [
    (DiscountKind.PERCENT, 0, "r", "from 0.01 % to 100 %"),
    (DiscountKind.PERCENT, 10_001, "r", "from 0.01 % to 100 %"),
    (DiscountKind.AMOUNT, 0, "r", "more than zero"),
    (DiscountKind.AMOUNT, 1.5, "r", "whole number"),
    (DiscountKind.AMOUNT, 100, "  ", "needs a reason"),
])
def test_a_discount_that_cant_be_given_says_why(kind, value, reason, message):
    with pytest.raises(DiscountError, match=message):
        Discount(kind, value, reason)


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_shares_add_up_exactly_and_none_exceeds_its_weight(amount, weights):
    amount = min(amount, sum(weights))
    shares = allocate(amount, weights)
    assert sum(shares) == amount and all(0 <= s <= w for s, w in zip(shares, weights, strict=True))


discounts = st.one_of(
    st.none(),
    st.builds(Discount, st.just(DiscountKind.PERCENT), st.integers(1, 10_000), st.just("r")),
    st.builds(Discount, st.just(DiscountKind.AMOUNT), st.integers(1, 10**6), st.just("r")),
)
carts = st.lists(st.tuples(st.integers(1, 50), st.integers(0, 10**5), st.sampled_from([0, 500, 700, 2000]),
                           discounts, st.one_of(st.none(), st.integers(0, 10**5))), min_size=1, max_size=10)


@given(carts, discounts, st.sampled_from(list(TaxMode)))
def test_totals_tax_and_the_sum_of_lines_agree_for_any_cart_and_discount(cart, order_discount, mode):
    policy = PricingPolicy("usd", mode)
    lines = [line(f"s{i}", qty, price, rate) for i, (qty, price, rate, _, _) in enumerate(cart)]
    terms = {f"s{i}": LineTerms(unit_price=override, discount=d)
             for i, (_, _, _, d, override) in enumerate(cart)}
    priced = price_with_terms(lines, terms, order_discount, policy)
    totals = priced.totals
    assert sum(d.line.line_total.amount for d in priced.lines) == totals.subtotal.amount
    assert all(d.line.line_total.amount >= 0 and d.gross - d.discount == d.line.line_total.amount
               for d in priced.lines)
    assert priced.gross.amount - priced.discount.amount == totals.subtotal.amount
    assert totals.tax.amount == sum(m.amount for m in totals.tax_by_rate.values())
    expected_total = totals.subtotal.amount + (totals.tax.amount if mode is TaxMode.EXCLUSIVE else 0)
    assert totals.total.amount == expected_total
    if mode is TaxMode.INCLUSIVE:
        assert totals.tax.amount <= totals.total.amount


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 10**5), st.sampled_from([0, 700, 2000])),
                min_size=1, max_size=8), st.sampled_from(list(TaxMode)))
def test_without_terms_it_is_the_catalogue_pricing(cart, mode):
    policy = PricingPolicy("usd", mode)
    lines = [line(f"s{i}", qty, price, rate) for i, (qty, price, rate) in enumerate(cart)]
    items = {cl.sku: Item(cl.sku, cl.name, Money(cl.unit_price, "usd"), tax_rate_bp=cl.tax_rate_bp) for cl in lines}
    plain = price_lines({cl.sku: cl.qty for cl in lines}, items.__getitem__, policy)
    priced = price_with_terms(lines, {}, None, policy)
    assert priced.totals == plain and priced.discount.amount == 0
