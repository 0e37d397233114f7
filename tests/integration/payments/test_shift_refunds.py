"""A refund belongs to the shift it was made in: a card refund still processing when the shift
closes is on that shift's Z as pending (and its card check says what it became), never on a later one.

The sandbox plays Stripe's refund test card on its own clock: 4000000000007726 refunds pending,
then succeeded.
"""

from __future__ import annotations

import time

import pytest

from pos_app.cash_office import ShiftService
from pos_app.devices import CashDrawer
from pos_app.domain import Money
from pos_app.sandbox.refunds import REFUND_SETTLES_AFTER
from pos_app.shift_reports import check_card_total, shift_report_csv, shift_report_text

from .helpers import confirm_as_browser

REFUND_PENDING = "4000000000007726"


@pytest.fixture
def till(make_till, slow_sandbox):
    return make_till(server=slow_sandbox)


@pytest.fixture
def shifts(till, clock) -> ShiftService:
    # The clocked sandbox's time was taken before the till opened its shift (real time, whole
    # seconds): bring it up to now, or a payment could be stamped a second before the shift began.
    clock.now = max(clock.now, time.time())
    return ShiftService(till.store, CashDrawer(till.store.drawer), "till-7", "usd")


def sold(till, sandbox, card: str = REFUND_PENDING):
    till.carts.replace({"item1": 2})  # 10.00
    prepared = till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, card)["status"] == "succeeded"
    return till.checkout.finalize(prepared.payment_intent)


def test_a_card_refund_processing_at_the_close_is_pending_on_its_z_and_on_no_later_shift(
        till, slow_sandbox, clock, shifts):
    order = sold(till, slow_sandbox)
    record = till.checkout.refund(order.id, 400)
    assert record.status == "processing"
    first_shift = shifts.current()
    z1 = shifts.close(Money(0, "usd"))
    assert till.store.orders.refund(record.id).shift_id == first_shift.id
    # Not back on the card yet, so not among the card refunds, but shown as pending.
    assert (z1.card_refunds_count, z1.card_refunds_total) == (0, 0)
    assert (z1.card_refunds_pending_count, z1.card_refunds_pending_total) == (1, 400)
    assert z1.tenders()["card"]["refunds_pending"] == 400 and z1.card_net == 1000
    assert "Card refunds pending" in shift_report_text(z1)
    assert "card,refunds_pending,400," in shift_report_csv(z1)

    shifts.open(Money(0, "usd"))
    clock.now += REFUND_SETTLES_AFTER
    [settled] = till.checkout.follow_refunds()
    assert settled.status == "succeeded"
    x2 = shifts.x_report()
    assert (x2.card_refunds_count, x2.card_refunds_pending_count) == (0, 0)  # shift 1's, never shift 2's
    stored = shifts.report(z1.shift_number)
    assert stored.to_dict() == z1.to_dict()  # the Z stays as it closed
    check = check_card_total(stored, till.gateway, till.store.orders)
    assert check.checked and check.differences == []
    assert len(check.pending_refunds) == 1 and "now succeeded" in check.pending_refunds[0]


def test_a_refund_made_in_a_later_shift_of_an_earlier_sale_is_the_later_shifts(till, slow_sandbox, shifts):
    order = sold(till, slow_sandbox, "4242424242424242")
    shifts.close(Money(0, "usd"))
    shifts.open(Money(0, "usd"))
    till.checkout.refund(order.id, 300)
    x2 = shifts.x_report()
    assert (x2.card_refunds_count, x2.card_refunds_total, x2.card_refunds_pending_count) == (1, 300, 0)
