"""Clearing a cart is a void, and payments that are no sale wait on the review list.

The outside review's case: customer 1 abandons the card form, the cashier clears the cart and rings
up customer 2, then customer 1's payment lands. Before, the paid lines were taken off customer 2's
cart. Now the cleared cart is voided: its open intent is cancelled, and a payment that lands anyway
is recorded as "paid after void" on the review list (refundable), never in another customer's cart.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pos_app.payments.gateway import PaymentMismatch
from pos_app.payments.review_desk import ReviewDesk

from .helpers import VISA, confirm_as_browser


def abandon_then_clear(till):
    till.carts.replace({"item1": 2})  # customer 1: 10.00
    first = till.checkout.prepare()
    till.checkout.abandon()  # the card form closed, customer 1 still at the counter
    voided = till.carts.snapshot().cart_id
    till.carts.clear()
    return first, voided


def test_clearing_starts_a_new_cart_and_the_next_charge_cancels_the_old_intent(till, sandbox, sandbox_state):
    first, voided = abandon_then_clear(till)
    fresh = till.carts.snapshot()
    assert fresh.cart_id != voided and fresh.empty and till.carts.is_voided(voided)

    till.carts.replace({"item2": 1})  # customer 2
    second = till.checkout.prepare()
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "canceled"
    assert till.store.ledger.by_intent(first.payment_intent).final
    # Customer 1 tries to pay the old form anyway: refused at Stripe, nothing changes here.
    answer = confirm_as_browser(sandbox, first.client_secret, VISA)
    assert "error" in answer
    assert second.amount == till.carts.snapshot().totals.total.amount
    assert till.carts.snapshot().lines == {"item2": 1}


def test_a_payment_landing_on_a_voided_cart_goes_to_review_and_never_changes_the_next_cart(
        till, sandbox, sandbox_state):
    first, _voided = abandon_then_clear(till)
    till.carts.replace({"item2": 1, "item3": 1})  # customer 2
    # Customer 1's payment lands before anything could cancel it.
    assert confirm_as_browser(sandbox, first.client_secret, VISA)["status"] == "succeeded"

    second = till.checkout.prepare()  # the next charge finds it
    after = till.carts.snapshot()
    assert after.lines == {"item2": 1, "item3": 1}  # customer 2's cart is untouched
    assert second.amount == after.totals.total.amount and second.payment_intent != first.payment_intent
    assert till.store.orders.count() == 0  # customer 1's payment is no sale of customer 2's
    [review] = till.store.reviews.all()
    assert (review.payment_intent, review.reason, review.amount, review.status) == (
        first.payment_intent, "paid_after_void", 1000, "open")

    # The manager refunds it from the review list: once, however often asked.
    desk = ReviewDesk(till.store, till.gateway)
    refunded = desk.refund(review.id)
    assert refunded.status == "refunded" and refunded.refund_id.startswith("re_")
    assert desk.refund(review.id).refund_id == refunded.refund_id
    refunds = [r for r in sandbox_state.all("refund") if r["payment_intent"] == first.payment_intent]
    assert [r["amount"] for r in refunds] == [1000]

    # Customer 2 pays as usual.
    assert confirm_as_browser(sandbox, second.client_secret, VISA)["status"] == "succeeded"
    assert till.checkout.finalize(second.payment_intent).lines[0].sku == "item2"


def test_the_late_page_report_of_a_voided_cart_is_a_review_not_a_sale(till, sandbox):
    first, _voided = abandon_then_clear(till)
    confirm_as_browser(sandbox, first.client_secret, VISA)
    with pytest.raises(PaymentMismatch, match="review list"):
        till.checkout.finalize(first.payment_intent)
    assert till.store.orders.count() == 0
    assert till.store.reviews.by_intent(first.payment_intent).reason == "paid_after_void"


def test_reconcile_puts_a_voided_carts_payment_on_review(make_till, till, sandbox):
    first, _voided = abandon_then_clear(till)
    till.carts.replace({"item4": 1})
    confirm_as_browser(sandbox, first.client_secret, VISA)
    till.close()
    restarted = make_till()
    report = restarted.checkout.reconcile()
    assert report.review == [first.payment_intent] and report.finalized == []
    assert restarted.carts.snapshot().lines == {"item4": 1}


def test_removing_the_last_line_is_a_void_too(till, sandbox, sandbox_state):
    till.carts.replace({"item1": 1})
    first = till.checkout.prepare()
    till.checkout.abandon()
    voided = till.carts.snapshot().cart_id
    till.carts.remove("item1")
    assert till.carts.is_voided(voided) and till.carts.snapshot().cart_id != voided
    till.carts.add("item2")
    till.checkout.prepare()
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "canceled"


def test_pos_app_review_lists_the_payment(till, sandbox, settings):
    first, _ = abandon_then_clear(till)
    confirm_as_browser(sandbox, first.client_secret, VISA)
    till.carts.add("item2")
    till.checkout.prepare()
    till.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    env["POS_DATABASE_URL"] = settings.database_url  # the shop's database when the till is on one
    out = subprocess.run([sys.executable, "-m", "pos_app.cli", "--data-dir", str(settings.data_dir), "review"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert first.payment_intent in out.stdout and "$10.00" in out.stdout
    assert "paid after its cart was cleared" in out.stdout and "1 of 1 still to refund" in out.stdout
