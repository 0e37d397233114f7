"""A line refund of a split sale is one refund group: its units count as refunded while any row of
the group is live, so a card row that fails later at Stripe gives back only its amount, never the units.

The sandbox plays Stripe's refund test card on its own clock: 4000000000005126 (pm_card_refundFail)
refunds succeeded, then failed (expired_or_canceled_card).
"""

from __future__ import annotations

import pytest

from pos_app.domain.refunds import units_refunded
from pos_app.errors import RefundRefused
from pos_app.sandbox.refunds import REFUND_SETTLES_AFTER

from .helpers import confirm_as_browser

REFUND_FAILS = "4000000000005126"


@pytest.fixture
def till(make_till, slow_sandbox):
    return make_till(server=slow_sandbox)


def split_sale(till, sandbox):
    """35.00 (item1 5.00 + 2 x item3 15.00): 10.00 in cash, then 25.00 on a card whose refunds fail later."""
    till.carts.replace({"item1": 1, "item3": 2})
    till.checkout.take_cash(1000)
    prepared = till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, REFUND_FAILS)["status"] == "succeeded"
    return till.checkout.finalize(prepared.payment_intent)


def fail_the_card_refund(till, clock, order):
    clock.now += REFUND_SETTLES_AFTER
    [failed] = till.checkout.follow_refunds(order.id, recheck_succeeded=True)
    assert failed.status == "failed" and failed.tender_id is not None
    return failed


def test_units_stay_refunded_when_the_card_row_of_their_refund_fails_later(till, slow_sandbox, clock):
    order = split_sale(till, slow_sandbox)
    till.checkout.refund(order.id, lines=[("item3", 2)])  # 30.00: 25.00 to the card, 5.00 in cash
    card_row, cash_row = till.store.orders.refunds_for(order.id)
    assert (card_row.amount, cash_row.amount) == (2500, 500)
    assert card_row.group == cash_row.group  # one refund, two rows
    fail_the_card_refund(till, clock, order)

    refunds = till.store.orders.refunds_for(order.id)
    # The cash part was paid out: the two units are back, so they can't be refunded again
    # (before, the units rode on the failed card row and the cash went out a second time).
    assert units_refunded(refunds) == {"item3": 2}
    with pytest.raises(RefundRefused, match="only 0 of item3 left"):
        till.checkout.refund(order.id, lines=[("item3", 1)])
    # What the failed card row took is offered again, for its amount only.
    again = till.checkout.refund(order.id, 2500, to_cash=True)
    assert (again.amount, again.lines) == (2500, [])
    assert till.store.orders.get(order.id).refunded == 3000
    assert till.checkout.refund(order.id, lines=[("item1", 1)]).amount == 500  # the last unit, the rest


def test_units_of_a_refund_whose_only_row_fails_can_be_refunded_again(till, slow_sandbox, clock):
    order = split_sale(till, slow_sandbox)
    record = till.checkout.refund(order.id, lines=[("item1", 1)])  # 5.00, all to the card
    assert [r.id for r in till.store.orders.refunds_for(order.id)] == [record.id]
    fail_the_card_refund(till, clock, order)
    assert units_refunded(till.store.orders.refunds_for(order.id)) == {}
    assert till.checkout.refund(order.id, lines=[("item1", 1)]).amount == 500
