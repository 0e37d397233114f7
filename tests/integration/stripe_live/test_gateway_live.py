"""StripeGateway against Stripe test mode: create, confirm, decline, 3-D Secure, refund, replay, lookups."""

from __future__ import annotations

import time

import pytest

from pos_app.payments.gateway import CardDeclined, IdempotencyConflict, IntentNotFound, InvalidPayment
from .live import RUN_ID, confirm_target, gateway, key, target_or_skip

TARGET = target_or_skip()  # module-level skip without keys; refuses live keys
pytestmark = pytest.mark.stripe_live


@pytest.fixture
def gw():
    return gateway(TARGET)


def create(gw, name: str, amount: int = 1000):
    return gw.create_intent(amount=amount, currency="usd", idempotency_key=key(name),
                            metadata={"cart_uuid": key(name), "run": RUN_ID}, description=f"pos-app live test {name}")


def confirm(intent, payment_method: str):
    return confirm_target(TARGET, intent.id, payment_method)


def test_create_then_pay_with_pm_card_visa(gw):
    intent = create(gw, "visa")
    assert (intent.status, intent.amount, intent.currency) == ("requires_payment_method", 1000, "usd")
    assert intent.client_secret.startswith(intent.id) and intent.client_secret not in repr(intent)
    confirm(intent, "pm_card_visa")
    paid = gw.retrieve_intent(intent.id)
    assert (paid.status, paid.amount_received) == ("succeeded", 1000)
    assert (paid.card_brand, paid.card_last4) == ("visa", "4242")
    assert paid.metadata["cart_uuid"] == key("visa") and paid.latest_charge


def test_a_decline_is_card_declined_and_the_intent_can_be_paid_again(gw):
    intent = create(gw, "decline")
    with pytest.raises(CardDeclined) as info:
        confirm(intent, "pm_card_chargeDeclined")
    assert (info.value.code, info.value.decline_code, info.value.payment_intent) == (
        "card_declined", "generic_decline", intent.id)
    after = gw.retrieve_intent(intent.id)
    assert after.status == "requires_payment_method" and after.last_error_code == "generic_decline"
    confirm(intent, "pm_card_visa")
    assert gw.retrieve_intent(intent.id).status == "succeeded"


def test_three_d_secure_required_waits_for_the_customer(gw):
    intent = create(gw, "3ds")
    confirm(intent, "pm_card_authenticationRequired")
    assert gw.retrieve_intent(intent.id).status == "requires_action"  # the challenge runs in Stripe.js
    cancelled = gw.cancel_intent(intent.id, "abandoned")
    assert cancelled.status == "canceled"


def test_refunds_partial_then_the_rest_then_nothing(gw):
    intent = create(gw, "refund")
    confirm(intent, "pm_card_visa")
    part = gw.refund(payment_intent=intent.id, amount=300, currency="usd", reason="requested_by_customer",
                     idempotency_key=key("refund-1"), metadata={"refund_seq": "1"})
    assert part.id.startswith("re_") and part.status in ("succeeded", "pending") and part.amount == 300
    again = gw.refund(payment_intent=intent.id, amount=300, currency="usd", reason="requested_by_customer",
                      idempotency_key=key("refund-1"), metadata={"refund_seq": "1"})
    assert again.id == part.id  # the same key replays: refunded once
    rest = gw.refund(payment_intent=intent.id, amount=None, currency="usd", reason=None,
                     idempotency_key=key("refund-2"))
    assert rest.amount == 700
    with pytest.raises(InvalidPayment):
        gw.refund(payment_intent=intent.id, amount=100, currency="usd", reason=None, idempotency_key=key("refund-3"))


def test_the_same_key_replays_the_same_intent_and_other_parameters_conflict(gw):
    first = create(gw, "replay")
    assert create(gw, "replay") == first
    with pytest.raises(IdempotencyConflict) as info:
        create(gw, "replay", amount=1001)
    assert not info.value.retryable


def test_listing_by_created_finds_the_intent_and_its_metadata(gw):
    intent = create(gw, "listed")
    now = int(time.time())
    found = [i for i in gw.list_intents(created_gte=intent.created - 60, created_lt=max(now, intent.created) + 60)
             if i.metadata.get("cart_uuid") == key("listed")]
    assert [i.id for i in found] == [intent.id]


def test_an_unknown_intent_is_not_found(gw):
    with pytest.raises(IntentNotFound):
        gw.retrieve_intent(f"pi_{RUN_ID}doesnotexist")
