"""Refunds Stripe answers 'pending' are followed until they succeed or fail (they were booked as
succeeded), and a refund that fails later is shown and can be made again.

The sandbox plays Stripe's refund test cards on its own clock: 4000000000007726 refunds pending,
then succeeded; 4000000000005126 refunds succeeded, then failed (expired_or_canceled_card).
"""

from __future__ import annotations

import pytest

from pos_app.sandbox.refunds import REFUND_SETTLES_AFTER

from .helpers import confirm_as_browser

REFUND_PENDING, REFUND_FAILS = "4000000000007726", "4000000000005126"


def sold(till, sandbox, card: str):
    till.carts.replace({"item1": 2})  # 10.00
    prepared = till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, card)["status"] == "succeeded"
    return till.checkout.finalize(prepared.payment_intent)


def test_a_pending_refund_is_processing_until_it_settles(make_till, slow_sandbox, clock):
    till = make_till(server=slow_sandbox)
    order = sold(till, slow_sandbox, REFUND_PENDING)
    record = till.checkout.refund(order.id, 400)
    assert record.status == "processing" and record.refund_id.startswith("re_")
    orders = till.store.orders
    assert orders.get(order.id).refunded == 0  # on its way, not back yet
    with pytest.raises(Exception, match="600 left to refund"):  # but it counts against what's left
        till.checkout.refund(order.id, 700)

    assert till.checkout.follow_refunds() == []  # not yet
    clock.now += REFUND_SETTLES_AFTER
    [settled] = till.checkout.reconcile().refunds
    assert settled.status == "succeeded" and orders.get(order.id).refunded == 400
    assert "refunded" in till.events
    assert till.checkout.follow_refunds() == []  # nothing left to follow


def test_a_refund_that_fails_later_is_failed_and_can_be_made_again(make_till, slow_sandbox, clock, caplog):
    till = make_till(server=slow_sandbox)
    order = sold(till, slow_sandbox, REFUND_FAILS)
    record = till.checkout.refund(order.id)
    assert record.status == "succeeded" and till.store.orders.get(order.id).refunded == 1000
    clock.now += REFUND_SETTLES_AFTER

    [failed] = till.checkout.follow_refunds(order.id, recheck_succeeded=True)
    assert (failed.status, failed.failure_reason) == ("failed", "expired_or_canceled_card")
    assert till.store.orders.get(order.id).refunded == 0  # nothing went back
    assert "FAILED" in caplog.text
    # The manager retries: the whole amount can be refunded again.
    again = till.checkout.refund(order.id)
    assert again.amount == 1000 and again.idempotency_key != record.idempotency_key


def test_the_history_shows_a_failed_refund_in_plain_words(make_till, slow_sandbox, clock):
    from pos_app.qt.printing import refunds_html
    till = make_till(server=slow_sandbox)
    order = sold(till, slow_sandbox, REFUND_FAILS)
    till.checkout.refund(order.id, 300)
    clock.now += REFUND_SETTLES_AFTER
    till.checkout.follow_refunds(order.id, recheck_succeeded=True)
    html = refunds_html(till.store.orders.get(order.id), till.store.orders.refunds_for(order.id))
    assert "FAILED: expired or canceled card" in html and "refund again" in html


def test_a_reviewed_payments_pending_refund_is_followed_to_refunded(make_till, slow_sandbox, clock):
    from pos_app.payments.review_desk import ReviewDesk
    till = make_till(server=slow_sandbox)
    till.carts.replace({"item1": 1})
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.clear()  # voided
    confirm_as_browser(slow_sandbox, first.client_secret, REFUND_PENDING)  # lands after the void
    till.checkout.close_voided()
    desk = ReviewDesk(till.store, till.gateway)
    [item] = desk.items()
    assert desk.refund(item.id).status == "refunding"
    assert desk.follow_up() == []
    clock.now += REFUND_SETTLES_AFTER
    [done] = desk.follow_up()
    assert done.status == "refunded"
