"""Currency minimums in messages and the per-line refund rule (domain/refunds.py)."""

from __future__ import annotations

import pytest

from pos_app.domain import Item, Money, PricingPolicy, TaxMode, price_lines
from pos_app.domain.order import Order
from pos_app.payments.gateway import AmountTooSmall, RefundRefused
from pos_app.domain.currencies import minimum_charge
from pos_app.domain.refunds import line_refund
from pos_app.store import RefundRecord


def test_minimum_charges_as_stripe_documents():
    assert [minimum_charge(c).amount for c in ("usd", "eur", "gbp", "jpy", "USD")] == [50, 50, 30, 50, 50]
    assert minimum_charge("krw").amount == 100 and minimum_charge("php").amount == 50


def test_amount_too_small_names_the_minimum_with_babel():
    error = AmountTooSmall(Money(29, "gbp"), minimum_charge("gbp"))
    assert error.message == "£0.29 is below the smallest card payment in GBP (£0.30)."
    assert "0,50\xa0€" in AmountTooSmall(Money(10, "eur"), minimum_charge("eur"), "de_DE").message
    assert "175\xa0Ft" in AmountTooSmall(Money(100, "huf"), minimum_charge("huf"), "hu_HU").message


ITEMS = {"a": Item("a", "A", Money(1000, "eur"), tax_rate_bp=2000),
         "b": Item("b", "B", Money(333, "eur"), tax_rate_bp=550)}


def order_of(lines: dict[str, int], mode: TaxMode) -> Order:
    totals = price_lines(lines, ITEMS.__getitem__, PricingPolicy("eur", mode))
    return Order.from_totals(totals, number="000042", created_at=0, payment_intent="pi_1", cart_uuid="u")


def earlier(*rows: tuple[str, int, int], status: str = "succeeded") -> list[RefundRecord]:
    return [RefundRecord(i, 1, i, f"refund-000042-{i}", None, amount, "eur", None, status,
                         [{"sku": sku, "qty": qty, "amount": amount}], 0) for i, (sku, qty, amount) in
            enumerate(rows, 1)]


def test_exclusive_mode_adds_the_lines_share_of_tax():
    order = order_of({"a": 2, "b": 3}, TaxMode.EXCLUSIVE)
    assert (order.subtotal, order.tax, order.total) == (2999, 455, 3454)  # 400 + 55 (54.945)
    amount, detail = line_refund(order, [("a", 1)], [])
    assert amount == 1000 + 200 and detail == [{"sku": "a", "qty": 1, "amount": 1200}]
    amount, _ = line_refund(order, [("b", 1), ("b", 1)], [])  # repeated skus add up
    assert amount == 666 + 37  # 55 * 666 / 999 = 36.67 -> 37


def test_inclusive_mode_gives_back_the_price_only():
    order = order_of({"a": 2, "b": 3}, TaxMode.INCLUSIVE)
    assert order.total == order.subtotal == 2999
    assert line_refund(order, [("b", 2)], [])[0] == 666


def test_returning_every_unit_refunds_exactly_what_is_left():
    order = order_of({"b": 3}, TaxMode.EXCLUSIVE)  # 999 + 55 = 1054
    first = line_refund(order, [("b", 1)], [])[0]
    assert first == 333 + 18
    last, _ = line_refund(order, [("b", 2)], earlier(("b", 1, first)))
    assert first + last == order.total


def test_refusals():
    order = order_of({"a": 1}, TaxMode.EXCLUSIVE)
    for lines in ([("zzz", 1)], [("a", 0)], [("a", 2)], [("a", True)]):
        with pytest.raises(RefundRefused):
            line_refund(order, lines, [])
    with pytest.raises(RefundRefused, match="only 0 of a"):
        line_refund(order, [("a", 1)], earlier(("a", 1, 1200), status="pending"))
    # a failed earlier refund gives nothing back, so the line can be refunded again
    assert line_refund(order, [("a", 1)], earlier(("a", 1, 1200), status="failed"))[0] == 1200
