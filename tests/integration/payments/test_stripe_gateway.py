"""The Stripe adapter against the sandbox: shapes, paging, and every error mapped to ours."""

from __future__ import annotations

import pytest

from pos_app.payments.gateway import (
    AuthenticationFailed, CardDeclined, GatewayUnavailable, IdempotencyConflict, Intent, IntentNotFound,
    InvalidPayment, PaymentError, PaymentGateway,
)
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.sandbox import SandboxServer, SandboxState
from pos_app.web.errors import http_status_for

from .helpers import confirm_server_side


def create(gateway, key: str, amount: int = 1000) -> Intent:
    return gateway.create_intent(amount=amount, currency="usd", idempotency_key=key,
                                 metadata={"cart_uuid": key}, description="test")


def test_is_a_payment_gateway(gateway, server):
    assert isinstance(gateway, PaymentGateway)
    assert server.secret_key not in repr(gateway)


def test_create_replays_for_the_same_key_and_hides_the_secret_in_repr(gateway):
    first = create(gateway, "gw-replay")
    assert first == create(gateway, "gw-replay")
    assert first.status == "requires_payment_method" and first.client_secret.startswith(first.id)
    assert first.client_secret not in repr(first)


def test_same_key_other_parameters_is_an_idempotency_conflict(gateway):
    create(gateway, "gw-conflict")
    with pytest.raises(IdempotencyConflict) as info:
        create(gateway, "gw-conflict", amount=1001)
    assert http_status_for(info.value) == 409


def test_decline_is_card_declined_with_codes(gateway, server):
    intent = create(gateway, "gw-decline")
    with pytest.raises(CardDeclined) as info:
        confirm_server_side(server, intent.id, "pm_card_chargeDeclinedInsufficientFunds")
    error = info.value
    assert (error.code, error.decline_code, error.payment_intent) == ("card_declined", "insufficient_funds", intent.id)
    assert http_status_for(error) == 402 and "insufficient funds" in error.message.lower()
    after = gateway.retrieve_intent(intent.id)
    assert after.status == "requires_payment_method" and after.last_error_code == "insufficient_funds"


def test_paid_intent_has_card_brand_and_last4(gateway, server):
    intent = create(gateway, "gw-paid")
    with pytest.raises(CardDeclined):
        confirm_server_side(server, intent.id, "pm_card_chargeDeclined")
    confirm_server_side(server, intent.id, "pm_card_visa")
    paid = gateway.retrieve_intent(intent.id)
    assert (paid.status, paid.amount_received, paid.card_brand, paid.card_last4) == ("succeeded", 1000, "visa", "4242")
    assert paid.latest_charge.startswith("ch_")


def test_unknown_intent_is_not_found(gateway):
    with pytest.raises(IntentNotFound) as info:
        gateway.retrieve_intent("pi_doesnotexist")
    assert http_status_for(info.value) == 404 and isinstance(info.value, InvalidPayment)


def test_cancel_and_cancelling_twice(gateway, server):
    intent = create(gateway, "gw-cancel")
    assert gateway.cancel_intent(intent.id).status == "canceled"
    paid = create(gateway, "gw-cancel-paid")
    confirm_server_side(server, paid.id, "pm_card_visa")
    with pytest.raises(InvalidPayment):
        gateway.cancel_intent(paid.id)


def test_bad_key_is_authentication_failed(server):
    gateway = StripeGateway("sk_live_refusedkey1234", server.publishable_key, api_base=server.url,
                            max_network_retries=0)
    with pytest.raises(AuthenticationFailed, match="Stripe keys were refused") as info:
        gateway.retrieve_intent("pi_x")
    assert http_status_for(info.value) == 500


def test_unreachable_is_gateway_unavailable():
    with SandboxServer(SandboxState()) as gone:
        url, keys = gone.url, (gone.secret_key, gone.publishable_key)
    gateway = StripeGateway(*keys, api_base=url, max_network_retries=0)
    with pytest.raises(GatewayUnavailable) as info:
        gateway.retrieve_intent("pi_x")
    assert http_status_for(info.value) == 503 and isinstance(info.value, PaymentError)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_list_intents_pages_through_everything_in_the_window():
    state = SandboxState()
    with SandboxServer(state) as server:
        gateway = StripeGateway(server.secret_key, server.publishable_key, api_base=server.url)
        ids = {create(gateway, f"gw-list-{n}", amount=100 + n).id for n in range(105)}
        created = state.all("payment_intent")[0]["created"]
        listed = gateway.list_intents(created_gte=created - 5, created_lt=created + 3600)
        assert {i.id for i in listed} == ids and len(listed) == 105
        assert gateway.list_intents(created_gte=created + 3600, created_lt=created + 7200) == []
