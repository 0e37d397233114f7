"""Every stripe error class maps to one of ours, with a safe message and the right HTTP status."""

from __future__ import annotations

import pytest
import stripe

from pos_app.payments.gateway import (
    AuthenticationFailed, CardDeclined, GatewayUnavailable, IdempotencyConflict, IntentNotFound,
    InvalidPayment,
)
from pos_app.payments.stripe_gateway import translate
from pos_app.web.errors import http_status_for


def body(**error):
    return {"error": error}


@pytest.mark.parametrize("exc, expected, status", [
    (stripe.APIConnectionError("connection reset"), GatewayUnavailable, 503),
    (stripe.RateLimitError("Too many requests", http_status=429, json_body=body(type="invalid_request_error")),
     GatewayUnavailable, 503),
    (stripe.APIError("boom", http_status=500, json_body=body(type="api_error")), GatewayUnavailable, 503),
    (stripe.APIError("in use", http_status=409, json_body=body(type="invalid_request_error",
                                                               code="idempotency_key_in_use")),
     IdempotencyConflict, 409),
    (stripe.IdempotencyError("other params", http_status=400, json_body=body(type="idempotency_error")),
     IdempotencyConflict, 409),
    (stripe.AuthenticationError("Invalid API Key provided: sk_live_****1234", http_status=401),
     AuthenticationFailed, 500),
    (stripe.PermissionError("restricted key", http_status=403), AuthenticationFailed, 500),
    (stripe.InvalidRequestError("No such payment_intent: 'pi_x'", "intent", code="resource_missing",
                                http_status=404, json_body=body(type="invalid_request_error",
                                                                code="resource_missing")),
     IntentNotFound, 404),
    (stripe.InvalidRequestError("Amount must be at least $0.50 usd", "amount", code="amount_too_small",
                                http_status=400), InvalidPayment, 400),
    (stripe.CardError("Your card was declined.", None, "card_declined", http_status=402,
                      json_body=body(type="card_error", code="card_declined", decline_code="lost_card",
                                     message="Your card was declined.",
                                     payment_intent={"id": "pi_1", "client_secret": "pi_1_secret_x"})),
     CardDeclined, 402),
])
def test_translate(exc, expected, status):
    ours = translate(exc)
    assert type(ours) is expected and http_status_for(ours) == status
    assert "sk_live" not in ours.message and "_secret_" not in ours.message


def test_card_declined_keeps_codes_and_the_intent_id_only():
    exc = stripe.CardError("Your card has insufficient funds.", None, "card_declined", http_status=402,
                           json_body=body(type="card_error", code="card_declined",
                                          decline_code="insufficient_funds",
                                          payment_intent={"id": "pi_1", "client_secret": "pi_1_secret_x"}))
    ours = translate(exc)
    assert (ours.code, ours.decline_code, ours.payment_intent) == ("card_declined", "insufficient_funds", "pi_1")
    assert ours.message == "Your card has insufficient funds."
