"""The fault-injection control surface, over real HTTP with stripe-python as the till uses it."""

from __future__ import annotations

import pytest
import stripe

from pos_app.sandbox.faults import FaultControl

from .sandbox_helpers import PUBLISHABLE_AUTH, TEST_SECRET_KEY

CREATE = {"amount": 1000, "currency": "usd"}


@pytest.fixture
def faults(server) -> FaultControl:
    return FaultControl(server.url, TEST_SECRET_KEY)


def client_for(server, **options) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": server.url},
                               max_network_retries=0, **options)


def test_drop_response_commits_then_loses_the_reply(server, api, faults):
    fault = faults.drop_response("POST", "/v1/payment_intents")
    with pytest.raises(stripe.APIConnectionError):
        api.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-1"})
    [created] = server.state.all("payment_intent")  # it happened, only the answer was lost
    again = api.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-1"})
    assert again.id == created["id"]
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert faults.hits(fault["id"]) == 1


def test_stripe_python_retries_a_dropped_reply_with_the_same_key(server, faults):
    faults.drop_response("POST", "/v1/payment_intents")
    patient = stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": server.url},
                                  max_network_retries=2)
    created = patient.v1.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-2"})
    assert [r["id"] for r in server.state.all("payment_intent")] == [created.id]


def test_error_500_changes_nothing_and_is_replayed_to_the_same_key(server, api, faults):
    faults.error_500("POST", "/v1/payment_intents")
    with pytest.raises(stripe.APIError) as excinfo:
        api.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-3"})
    assert excinfo.value.http_status == 500 and excinfo.value.error.type == "api_error"
    assert server.state.all("payment_intent") == []
    with pytest.raises(stripe.APIError) as replay:  # Stripe replays a saved 500
        api.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-3"})
    assert replay.value.headers["Idempotent-Replayed"] == "true"
    assert api.payment_intents.create(params=CREATE, options={"idempotency_key": "cart-4"}).id


def test_delay_outlasts_a_short_client_timeout(server, faults):
    faults.delay("GET", "/v1/payment_intents", delay_ms=3000)
    impatient = client_for(server, http_client=stripe.RequestsClient(timeout=0.3))
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.list()
    assert impatient.v1.payment_intents.list().data == []  # fired once: the next is on time


def test_unreachable_until_cleared_and_the_controls_stay_reachable(server, api, faults):
    faults.unreachable(duration_ms=600_000)
    with pytest.raises(stripe.APIConnectionError):
        api.payment_intents.list()
    assert faults.rules()[0]["action"] == "unreachable"
    faults.clear()
    assert api.payment_intents.list().data == []


def test_rules_match_method_path_and_count(server, api, faults):
    faults.drop_response("POST", "/v1/payment_intents/*/cancel", times=2)
    pi = api.payment_intents.create(params=CREATE)
    assert api.payment_intents.retrieve(pi.id).id == pi.id  # a GET is not matched
    for _ in range(2):
        with pytest.raises(stripe.APIConnectionError):
            api.payment_intents.cancel(pi.id)
    assert server.state.get("payment_intent", pi.id)["status"] == "canceled"
    [rule] = faults.rules()
    assert (rule["hits"], rule["remaining"]) == (2, 0)


def test_the_controls_need_the_secret_key(wire):
    assert wire.post("/_sandbox/faults", data={"action": "error_500"}).status_code == 401
    assert wire.post("/_sandbox/faults", data={"action": "error_500"},
                     headers=PUBLISHABLE_AUTH).status_code == 401
    assert wire.delete("/_sandbox/faults",
                       headers={"Authorization": "Bearer sk_test_notours0000"}).status_code == 401
