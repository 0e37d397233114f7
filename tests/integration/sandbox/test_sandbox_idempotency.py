"""Idempotency as stripe-facts.md documents it."""

from __future__ import annotations

import threading

import pytest
import stripe

from .sandbox_helpers import SECRET_AUTH

CREATE = {"amount": "1000", "currency": "usd", "metadata[cart]": "rev-1"}


def post(wire, path, data, key):
    return wire.post(path, data=data, headers={**SECRET_AUTH, "Idempotency-Key": key})


def pi_count(wire):
    return len(wire.get("/v1/payment_intents?limit=100", headers=SECRET_AUTH).json["data"])


def test_replay_returns_the_same_object_with_header(wire):
    first = post(wire, "/v1/payment_intents", CREATE, "k1")
    second = post(wire, "/v1/payment_intents", CREATE, "k1")
    assert first.status_code == second.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json == first.json
    assert pi_count(wire) == 1


def test_replay_through_stripe_python(api):
    first = api.payment_intents.create(params={"amount": 1000, "currency": "usd"},
                                       options={"idempotency_key": "same-cart-rev"})
    second = api.payment_intents.create(params={"amount": 1000, "currency": "usd"},
                                        options={"idempotency_key": "same-cart-rev"})
    assert second.id == first.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"


def test_replay_is_the_first_result_not_the_current_state(wire):
    created = post(wire, "/v1/payment_intents", CREATE, "k1").json
    wire.post(f"/v1/payment_intents/{created['id']}/cancel", headers=SECRET_AUTH)
    replay = post(wire, "/v1/payment_intents", CREATE, "k1")
    assert replay.json["status"] == "requires_payment_method"


def test_other_parameters_are_an_idempotency_error(api):
    api.payment_intents.create(params={"amount": 1000, "currency": "usd"},
                               options={"idempotency_key": "k2"})
    with pytest.raises(stripe.IdempotencyError) as excinfo:
        api.payment_intents.create(params={"amount": 1001, "currency": "usd"},
                                   options={"idempotency_key": "k2"})
    assert excinfo.value.http_status == 400
    assert excinfo.value.error.type == "idempotency_error"


def test_another_endpoint_is_an_idempotency_error(wire):
    created = post(wire, "/v1/payment_intents", CREATE, "k3").json
    response = post(wire, f"/v1/payment_intents/{created['id']}/cancel", {}, "k3")
    assert response.status_code == 400
    assert response.json["error"]["type"] == "idempotency_error"
    assert wire.get(f"/v1/payment_intents/{created['id']}", headers=SECRET_AUTH).json[
        "status"] == "requires_payment_method"


def test_card_errors_are_saved_and_replayed(wire):
    created = post(wire, "/v1/payment_intents", CREATE, "k4").json
    path = f"/v1/payment_intents/{created['id']}/confirm"
    declined = post(wire, path, {"payment_method": "pm_card_chargeDeclined"}, "k5")
    replay = post(wire, path, {"payment_method": "pm_card_chargeDeclined"}, "k5")
    assert declined.status_code == replay.status_code == 402
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json == declined.json
    charges = wire.get("/v1/charges", headers=SECRET_AUTH).json["data"]
    assert len(charges) == 1   # the replay charged nothing


def test_validation_failure_does_not_burn_the_key(wire):
    bad = post(wire, "/v1/payment_intents", {"amount": "10", "currency": "usd"}, "k6")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "amount_too_small"
    good = post(wire, "/v1/payment_intents", {"amount": "1000", "currency": "usd"}, "k6")
    assert good.status_code == 200 and "Idempotent-Replayed" not in good.headers


def test_unexpected_state_errors_are_saved_and_replayed(wire):
    """Stripe saves the result once the endpoint ran, errors included (not only 402/500)."""
    created = post(wire, "/v1/payment_intents", CREATE, "k7").json
    path = f"/v1/payment_intents/{created['id']}/confirm"
    wire.post(f"/v1/payment_intents/{created['id']}/cancel", headers=SECRET_AUTH)
    refused = post(wire, path, {"payment_method": "pm_card_visa"}, "k8")
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "payment_intent_unexpected_state"
    assert refused.json["error"]["doc_url"] == (
        "https://docs.stripe.com/error-codes/payment-intent-unexpected-state")
    replay = post(wire, path, {"payment_method": "pm_card_visa"}, "k8")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json == refused.json


def test_unknown_object_errors_are_saved_and_replayed(wire):
    missing = post(wire, "/v1/payment_intents/pi_nope/cancel", {}, "k9")
    assert missing.status_code == 404
    replay = post(wire, "/v1/payment_intents/pi_nope/cancel", {}, "k9")
    assert replay.status_code == 404 and replay.headers["Idempotent-Replayed"] == "true"


def test_unknown_parameter_does_not_burn_the_key(wire):
    bad = post(wire, "/v1/payment_intents", {**CREATE, "colour": "red"}, "k10")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "parameter_unknown"
    good = post(wire, "/v1/payment_intents", CREATE, "k10")
    assert good.status_code == 200 and "Idempotent-Replayed" not in good.headers


def test_concurrent_request_with_same_key_is_409(wire, state):
    """Holding the state lock from the test makes the first request wait inside its execution."""
    results = {}
    state.lock.acquire()
    try:
        first = threading.Thread(
            target=lambda: results.setdefault("first", post(wire, "/v1/payment_intents", CREATE,
                                                            "busy")))
        first.start()
        assert state.idempotency.wait_in_use("busy", timeout=5), "first request never claimed its key"
        second = post(wire, "/v1/payment_intents", CREATE, "busy")
        assert second.status_code == 409
        assert second.json["error"]["code"] == "idempotency_key_in_use"
    finally:
        state.lock.release()
    first.join(5)
    assert results["first"].status_code == 200
    third = post(wire, "/v1/payment_intents", CREATE, "busy")
    assert third.headers["Idempotent-Replayed"] == "true"
    assert third.json["id"] == results["first"].json["id"]


def test_keys_expire_after_24_hours(wire, clock):
    first = post(wire, "/v1/payment_intents", CREATE, "old")
    clock.advance(24 * 3600 - 1)
    assert post(wire, "/v1/payment_intents", CREATE, "old").json["id"] == first.json["id"]
    clock.advance(1)
    fresh = post(wire, "/v1/payment_intents", CREATE, "old")
    assert fresh.status_code == 200 and "Idempotent-Replayed" not in fresh.headers
    assert fresh.json["id"] != first.json["id"]


def test_key_longer_than_255_is_400(wire):
    response = post(wire, "/v1/payment_intents", CREATE, "k" * 256)
    assert response.status_code == 400
    assert post(wire, "/v1/payment_intents", CREATE, "k" * 255).status_code == 200


def test_key_has_no_effect_on_get(wire):
    created = post(wire, "/v1/payment_intents", CREATE, "g").json
    response = wire.get(f"/v1/payment_intents/{created['id']}",
                        headers={**SECRET_AUTH, "Idempotency-Key": "g"})
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers


def test_500s_are_saved_and_replayed(wire, state):
    """Stripe replays a 500 to the same key; injected with the sandbox's own fault surface."""
    state.faults.add({"action": "error_500", "method": "POST", "path": "/v1/refunds"})
    created = wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={
        **CREATE, "confirm": "true", "payment_method": "pm_card_visa"}).json
    first = post(wire, "/v1/refunds", {"payment_intent": created["id"]}, "r1")
    replay = post(wire, "/v1/refunds", {"payment_intent": created["id"]}, "r1")
    assert first.status_code == replay.status_code == 500
    assert replay.json["error"]["type"] == "api_error"
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert wire.get("/v1/refunds", headers=SECRET_AUTH).json["data"] == []  # nothing was made
