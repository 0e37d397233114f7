"""Keys as Stripe reads them: where a key may come from, and restricted keys' permissions."""

from __future__ import annotations

import pytest
import stripe

from pos_app.payments.stripe_gateway import StripeGateway

from .sandbox_helpers import PUBLISHABLE_AUTH, SECRET_AUTH, TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY, auth

CREATE = {"amount": "1000", "currency": "usd"}


def new_pi(wire) -> dict:
    return wire.post("/v1/payment_intents", data=CREATE, headers=SECRET_AUTH).json


# -- where a key may come from -------------------------------------------------------------------


def test_a_secret_key_in_the_form_body_is_not_read(wire):
    response = wire.post("/v1/payment_intents", data={**CREATE, "key": TEST_SECRET_KEY})
    assert response.status_code == 401
    assert "did not provide an API key" in response.json["error"]["message"]
    assert TEST_SECRET_KEY not in response.get_data(as_text=True)


def test_a_secret_key_in_the_query_string_is_not_read(wire):
    response = wire.get(f"/v1/payment_intents?key={TEST_SECRET_KEY}")
    assert response.status_code == 401
    assert "did not provide an API key" in response.json["error"]["message"]


def test_stripe_js_sends_its_publishable_key_as_a_form_field(wire):
    """Real Stripe.js does this; it works for the publishable key where Stripe takes one."""
    created = wire.post("/v1/payment_methods", data={
        "key": TEST_PUBLISHABLE_KEY, "type": "card", "card[number]": "4242424242424242",
        "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "123"})
    assert created.status_code == 200 and created.json["object"] == "payment_method"
    pi = new_pi(wire)
    fetched = wire.get(f"/v1/payment_intents/{pi['id']}?key={TEST_PUBLISHABLE_KEY}"
                       f"&client_secret={pi['client_secret']}")
    assert fetched.status_code == 200 and fetched.json["id"] == pi["id"]


def test_a_publishable_key_field_does_not_open_secret_endpoints(wire):
    response = wire.get(f"/v1/payment_intents?key={TEST_PUBLISHABLE_KEY}")
    assert response.status_code == 401
    assert "publishable API key" in response.json["error"]["message"]


def test_another_publishable_key_is_401(wire):
    response = wire.post("/v1/payment_methods", data={"key": "pk_test_someone_elses_1234",
                                                      "type": "card"})
    assert response.status_code == 401
    assert response.json["error"]["message"].startswith("Invalid API Key provided: pk_test_")


# -- restricted keys ------------------------------------------------------------------------------


def restricted(wire, **permissions) -> str:
    response = wire.post("/_sandbox/restricted_keys", headers=SECRET_AUTH,
                         data={f"permissions[{k}]": v for k, v in permissions.items()})
    assert response.status_code == 200, response.json
    key = response.json["secret"]
    assert key.startswith("rk_test_")
    return key


def test_a_restricted_key_does_what_its_permissions_allow(wire):
    key = restricted(wire, payment_intents="write", charges="read")
    created = wire.post("/v1/payment_intents", data=CREATE, headers=auth(key))
    assert created.status_code == 200
    assert wire.get("/v1/charges", headers=auth(key)).status_code == 200


@pytest.mark.parametrize("method,path,permission", [
    ("POST", "/v1/refunds", "rak_refund_write"),
    ("GET", "/v1/refunds", "rak_refund_read"),
    ("POST", "/v1/payment_methods", "rak_payment_method_write"),
])
def test_a_missing_permission_is_stripes_403(wire, method, path, permission):
    key = restricted(wire, payment_intents="write", refunds="none")
    response = wire.open(path, method=method, headers=auth(key))
    assert response.status_code == 403
    error = response.json["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"] == (
        f"The provided key 'rk_test_{'*' * 12}{key[-4:]}' does not have the required permissions "
        f"for this endpoint on account 'acct_sandbox'. Having the '{permission}' permission would "
        "allow this request to continue.")
    assert key not in response.get_data(as_text=True)


def test_expanding_an_object_needs_read_permission_on_it(wire):
    key = restricted(wire, payment_intents="write")
    pi = wire.post("/v1/payment_intents", headers=auth(key), data={
        **CREATE, "confirm": "true", "payment_method": "pm_card_visa"}).json
    assert pi["status"] == "succeeded" and pi["latest_charge"].startswith("ch_")
    refused = wire.get(f"/v1/payment_intents/{pi['id']}?expand[]=latest_charge", headers=auth(key))
    assert refused.status_code == 403 and "'rak_charge_read'" in refused.json["error"]["message"]
    deeper = restricted(wire, payment_intents="read", charges="read")
    response = wire.get(f"/v1/payment_intents/{pi['id']}?expand[]=latest_charge.balance_transaction",
                        headers=auth(deeper))
    assert response.status_code == 403 and "rak_balance_transaction_read" in response.json["error"]["message"]


def test_read_permission_does_not_allow_writes(wire):
    key = restricted(wire, payment_intents="read")
    assert wire.get("/v1/payment_intents", headers=auth(key)).status_code == 200
    assert wire.post("/v1/payment_intents", data=CREATE, headers=auth(key)).status_code == 403


def test_a_restricted_key_cannot_use_the_sandbox_controls(wire):
    key = restricted(wire, payment_intents="write", refunds="write", charges="write",
                     payment_methods="write")
    assert wire.get("/_sandbox/faults", headers=auth(key)).status_code == 403
    assert wire.post("/_sandbox/restricted_keys", headers=auth(key),
                     data={"permissions[refunds]": "write"}).status_code == 403
    assert wire.get("/_sandbox/faults", headers=PUBLISHABLE_AUTH).status_code == 401


def test_an_unknown_restricted_key_is_401(wire):
    response = wire.get("/v1/payment_intents", headers=auth("rk_test_madeup0000000000000000"))
    assert response.status_code == 401


def test_stripe_python_sees_a_permission_error(server, wire):
    key = restricted(wire, payment_intents="read")
    client = stripe.StripeClient(key, base_addresses={"api": server.url}, max_network_retries=0)
    with pytest.raises(stripe.PermissionError) as excinfo:
        client.v1.refunds.list()
    assert excinfo.value.http_status == 403


def test_the_till_works_with_the_minimal_key_a_shop_should_give_it(server, wire):
    """What the till's gateway does (sell, look up, cancel, refund, list) with only these."""
    key = restricted(wire, payment_intents="write", payment_methods="read", charges="read",
                     refunds="write")
    gateway = StripeGateway(key, TEST_PUBLISHABLE_KEY, api_base=server.url, max_network_retries=0)
    intent = gateway.create_intent(amount=1500, currency="usd", idempotency_key="cart-1",
                                   metadata={"cart_uuid": "c-1"}, description="Till 1")
    method = wire.post("/v1/payment_methods", headers=PUBLISHABLE_AUTH, data={  # the card page
        "type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
        "card[exp_year]": "2030", "card[cvc]": "123"}).json
    wire.post(f"/v1/payment_intents/{intent.id}/confirm", headers=PUBLISHABLE_AUTH, data={
        "payment_method": method["id"], "client_secret": intent.client_secret})
    paid = gateway.retrieve_intent(intent.id)
    assert paid.status == "succeeded"
    assert gateway.refund(payment_intent=paid.id, amount=500, currency="usd", reason=None,
                          idempotency_key="refund-1").status == "succeeded"
    other = gateway.create_intent(amount=900, currency="usd", idempotency_key="cart-2",
                                  metadata={}, description="Till 1")
    assert gateway.cancel_intent(other.id).status == "canceled"
    ids = {i.id for i in gateway.list_intents(created_gte=0, created_lt=2**31)}
    assert ids == {paid.id, other.id}
