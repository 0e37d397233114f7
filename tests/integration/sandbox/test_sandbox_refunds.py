"""Refunds: full, partial, never above the remainder; charges reflect them."""

from __future__ import annotations

import pytest
import stripe


@pytest.fixture
def paid(api):
    return api.payment_intents.create(params={"amount": 1000, "currency": "usd", "confirm": True,
                                              "payment_method": "pm_card_visa"})


def test_full_refund(api, paid):
    refund = api.refunds.create(params={"payment_intent": paid.id,
                                        "reason": "requested_by_customer",
                                        "metadata": {"order": "42"}})
    assert refund.object == "refund" and refund.id.startswith("re_")
    assert (refund.amount, refund.status, refund.currency) == (1000, "succeeded", "usd")
    assert refund.payment_intent == paid.id and refund.charge == paid.latest_charge
    assert refund.reason == "requested_by_customer"
    assert api.refunds.retrieve(refund.id).amount == 1000
    charge = api.charges.retrieve(paid.latest_charge)
    assert charge.amount_refunded == 1000 and charge.refunded is True
    pi = api.payment_intents.retrieve(paid.id, params={"expand": ["latest_charge"]})
    assert pi.latest_charge.refunded is True


def test_repeated_partial_refunds_up_to_the_remainder(api, paid):
    api.refunds.create(params={"payment_intent": paid.id, "amount": 300})
    api.refunds.create(params={"charge": paid.latest_charge, "amount": 500})
    charge = api.charges.retrieve(paid.latest_charge)
    assert charge.amount_refunded == 800 and charge.refunded is False
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.refunds.create(params={"payment_intent": paid.id, "amount": 201})
    assert (excinfo.value.http_status, excinfo.value.code) == (400, "amount_too_large")
    assert api.refunds.create(params={"payment_intent": paid.id}).amount == 200   # the rest
    assert api.charges.retrieve(paid.latest_charge).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.refunds.create(params={"payment_intent": paid.id, "amount": 1})
    assert excinfo.value.code == "charge_already_refunded"


def test_refund_above_amount_is_400(api, paid):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.refunds.create(params={"payment_intent": paid.id, "amount": 1001})
    assert excinfo.value.code == "amount_too_large"
    assert api.charges.retrieve(paid.latest_charge).amount_refunded == 0


@pytest.mark.parametrize("amount", [0, -1])
def test_refund_amount_must_be_positive(api, paid, amount):
    with pytest.raises(stripe.InvalidRequestError):
        api.refunds.create(params={"payment_intent": paid.id, "amount": amount})


def test_refund_of_unpaid_payment_intent_is_400(api):
    pi = api.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.refunds.create(params={"payment_intent": pi.id})
    assert excinfo.value.http_status == 400


def test_refund_needs_a_target_and_a_known_reason(api, paid):
    with pytest.raises(stripe.InvalidRequestError):
        api.refunds.create(params={"amount": 100})
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.refunds.create(params={"payment_intent": paid.id, "reason": "changed_mind"})
    assert excinfo.value.param == "reason"


def test_list_refunds_of_a_payment_intent(api, paid):
    api.refunds.create(params={"payment_intent": paid.id, "amount": 100})
    api.refunds.create(params={"payment_intent": paid.id, "amount": 200})
    listed = api.refunds.list(params={"payment_intent": paid.id})
    assert [r.amount for r in listed.data] == [200, 100]
