"""capture_method=manual: authorize, then capture all or part (tips, card readers), or release."""

from __future__ import annotations

import pytest
import stripe


def authorized(api, amount=2000):
    pi = api.payment_intents.create(params={"amount": amount, "currency": "usd",
                                            "capture_method": "manual"})
    return api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})


def test_a_manual_intent_waits_in_requires_capture(api):
    pi = authorized(api)
    assert (pi.status, pi.capture_method) == ("requires_capture", "manual")
    assert (pi.amount_capturable, pi.amount_received) == (2000, 0)
    charge = api.charges.retrieve(pi.latest_charge)
    assert (charge.captured, charge.amount_captured, charge.paid) == (False, 0, True)
    assert charge.balance_transaction is None


def test_capture_all(api):
    pi = authorized(api)
    done = api.payment_intents.capture(pi.id, params={"expand": ["latest_charge"]})
    assert (done.status, done.amount_received, done.amount_capturable) == ("succeeded", 2000, 0)
    assert done.latest_charge.captured and done.latest_charge.amount_captured == 2000
    assert done.latest_charge.balance_transaction.startswith("txn_")


def test_capture_part_releases_the_rest(api):
    pi = authorized(api)
    done = api.payment_intents.capture(pi.id, params={"amount_to_capture": 1500})
    assert done.amount_received == 1500
    charge = api.charges.retrieve(done.latest_charge)
    assert (charge.amount_captured, charge.amount_refunded, charge.refunded) == (1500, 500, False)
    refund = api.refunds.create(params={"payment_intent": pi.id})  # refunds what was captured
    assert refund.amount == 1500
    assert api.charges.retrieve(done.latest_charge).refunded is True


def test_capture_more_than_authorized_is_refused(api):
    pi = authorized(api)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.capture(pi.id, params={"amount_to_capture": 2001})
    assert excinfo.value.code == "amount_too_large"
    assert api.payment_intents.retrieve(pi.id).status == "requires_capture"


def test_capture_of_an_automatic_intent_is_unexpected_state(api):
    pi = api.payment_intents.create(params={"amount": 2000, "currency": "usd", "confirm": True,
                                            "payment_method": "pm_card_visa"})
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.capture(pi.id)
    assert excinfo.value.code == "payment_intent_unexpected_state"


def test_cancel_releases_the_authorization(api):
    pi = authorized(api)
    canceled = api.payment_intents.cancel(pi.id)
    assert (canceled.status, canceled.amount_capturable) == ("canceled", 0)
    charge = api.charges.retrieve(pi.latest_charge)
    assert (charge.refunded, charge.amount_refunded, charge.captured) == (True, 2000, False)
