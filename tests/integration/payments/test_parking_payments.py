"""A parked sale and its PaymentIntent, against the training sandbox: cancelled when parked, a fresh one after recall.

The sandbox plays Stripe's idempotency: the same key again replays the first answer, so a recalled
cart charged under its UUID would be handed the intent cancelled at the park. Its ledger row is
final by then, and the charge takes the key "<uuid>.2" (payments/intents.py), the mechanism a
revision whose intent was cancelled elsewhere already uses.
"""

from __future__ import annotations

import pytest

from pos_app.selling import Parking
from pos_app.staff import StaffService, TillSession
from pos_app.store import CartFrozen

from .helpers import VISA, confirm_as_browser


@pytest.fixture
def parking(till):
    session = TillSession(StaffService(till.store, "till-7"))
    till.store.journal.attribute_to(session.user_name)
    session.staff.ensure_demo_users()
    session.login("0000")  # a cashier
    return Parking(till.store, session)


def park_with_open_intent(till, parking):
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()  # the card form closed: the intent stays open for this revision
    return first, parking.park("table 4")


def test_parking_cancels_the_open_intent_and_a_recalled_cart_pays_once_with_a_fresh_one(
        till, parking, sandbox, sandbox_state):
    first, parked = park_with_open_intent(till, parking)
    till.checkout.close_voided()  # what the window's worker and the endpoint's request run after a park
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "canceled"
    assert till.store.ledger.by_intent(first.payment_intent).final
    assert "error" in confirm_as_browser(sandbox, first.client_secret, VISA)  # the old form can't take money

    till.checkout.close_voided()  # again: nothing left to cancel, nothing changes
    assert parking.recall(parked.id).uuid == first.cart_uuid
    second = till.checkout.prepare()
    assert second.payment_intent != first.payment_intent and second.cart_uuid == first.cart_uuid
    assert till.store.ledger.by_intent(second.payment_intent).idempotency_key == f"{first.cart_uuid}.2"
    assert confirm_as_browser(sandbox, second.client_secret, VISA)["status"] == "succeeded"
    order = till.checkout.finalize(second.payment_intent)
    assert (order.cart_uuid, order.total, till.store.orders.count()) == (first.cart_uuid, 1000, 1)
    assert till.checkout.finalize(second.payment_intent).number == order.number  # recorded once
    assert parking.parked() == [] and till.carts.snapshot().empty


def test_the_next_charge_cancels_a_parked_carts_intent_if_the_park_could_not(till, parking, sandbox_state):
    first, _parked = park_with_open_intent(till, parking)  # no close_voided: as if the processor was away
    till.carts.replace({"item2": 1})  # the next customer
    till.checkout.prepare()
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "canceled"


def test_reconcile_cancels_a_parked_carts_open_intent(till, parking, sandbox_state):
    first, _parked = park_with_open_intent(till, parking)
    report = till.checkout.reconcile()
    assert first.payment_intent in report.closed
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "canceled"


def test_a_parked_cart_whose_intent_was_paid_after_all_is_recorded_and_leaves_the_list(till, parking, sandbox):
    first, _parked = park_with_open_intent(till, parking)
    assert confirm_as_browser(sandbox, first.client_secret, VISA)["status"] == "succeeded"  # before the cancel
    till.carts.replace({"item3": 1})  # the next customer's sale is never touched by it
    till.checkout.close_voided()
    [order] = till.store.orders.recent()
    assert (order.cart_uuid, order.payment_intent, order.total) == (first.cart_uuid, first.payment_intent, 1000)
    assert parking.parked() == [] and till.carts.snapshot().lines == {"item3": 1}


def test_a_sale_with_cash_taken_is_not_parked(till, parking):
    till.carts.replace({"item1": 2})
    till.checkout.take_cash(400)  # part of 10.00 in cash: a live tender keeps the cart frozen
    with pytest.raises(CartFrozen):
        parking.park()
    assert parking.parked() == [] and till.carts.snapshot().lines == {"item1": 2}


def test_a_cart_with_its_card_form_open_is_not_parked(till, parking):
    till.carts.replace({"item1": 2})
    till.checkout.prepare()  # the card form is showing: the customer may be paying now
    with pytest.raises(CartFrozen, match="payment is in progress"):
        parking.park()
    assert parking.parked() == []
