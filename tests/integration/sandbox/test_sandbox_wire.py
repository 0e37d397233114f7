"""Stripe's wire format: keys, form encoding with brackets, error shapes, CORS."""

from __future__ import annotations

import base64
import json

import pytest
import stripe
from hypothesis import given, settings, strategies as st
from werkzeug.datastructures import MultiDict
from stripe._encode import _api_encode

from .sandbox_helpers import TEST_SECRET_KEY as SANDBOX_SECRET_KEY
from pos_app.sandbox.forms import decode_form

from .sandbox_helpers import PUBLISHABLE_AUTH, SECRET_AUTH


def test_no_key_is_401(wire):
    response = wire.get("/v1/payment_intents")
    assert response.status_code == 401
    assert response.json["error"]["type"] == "invalid_request_error"
    assert "did not provide an API key" in response.json["error"]["message"]


@pytest.mark.parametrize("key", ["sk_live_abcdef0123456789", "rk_test_abc", "pk_live_abc",
                                 "sk_test_", "hello", "sk_test_bad key"])
def test_keys_other_than_test_keys_are_401(wire, key):
    response = wire.get("/v1/payment_intents", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert response.json["error"]["message"].startswith("Invalid API Key provided")


def test_a_refused_key_is_not_echoed_in_full(wire):
    key = "sk_live_0123456789abcdefSECRET"
    response = wire.get("/v1/payment_intents", headers={"Authorization": f"Bearer {key}"})
    assert key not in response.get_data(as_text=True)


def test_another_sk_test_key_is_401(wire):
    """Only the sandbox's own keys open it: a key from elsewhere (or the old fixed one) does not."""
    for key in ("sk_test_someone_elses_4242", "sk_test_sandbox_0000000000000000000000000000"):
        response = wire.get("/v1/payment_intents", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401
        assert response.json["error"]["message"] == f"Invalid API Key provided: sk_test_{'*' * 12}{key[-4:]}"


def test_basic_auth_as_older_stripe_python_sends_it(wire):
    token = base64.b64encode(f"{SANDBOX_SECRET_KEY}:".encode()).decode()
    response = wire.get("/v1/payment_intents", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 200


def test_publishable_key_cannot_create_payment_intents(wire):
    response = wire.post("/v1/payment_intents", data={"amount": "1000", "currency": "usd"},
                         headers=PUBLISHABLE_AUTH)
    assert response.status_code == 401
    assert "publishable API key" in response.json["error"]["message"]


@pytest.mark.parametrize("method,path", [("GET", "/v1/payment_intents"),
                                         ("POST", "/v1/refunds"),
                                         ("POST", "/v1/payment_intents/pi_x/cancel"),
                                         ("GET", "/v1/charges/ch_x")])
def test_publishable_key_is_refused_on_secret_endpoints(wire, method, path):
    response = wire.open(path, method=method, headers=PUBLISHABLE_AUTH)
    assert response.status_code == 401


def test_stripe_python_auth_error(server):
    client = stripe.StripeClient("sk_live_nope0000000000", base_addresses={"api": server.url},
                                 max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError):
        client.v1.payment_intents.list()


def test_bracket_nesting_and_both_array_styles(wire):
    response = wire.post("/v1/payment_intents", headers=SECRET_AUTH, data=MultiDict([
        ("amount", "1500"), ("currency", "eur"),
        ("metadata[cart_uuid]", "c-1"), ("metadata[till]", "2"),
        ("payment_method_types[]", "card"),
        ("expand[0]", "payment_method"), ("expand[1]", "latest_charge"),
    ]))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["metadata"] == {"cart_uuid": "c-1", "till": "2"}
    assert body["payment_method_types"] == ["card"]
    assert (body["amount"], body["currency"]) == (1500, "eur")


def test_nested_payment_method_data(wire):
    response = wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={
        "amount": "1500", "currency": "usd", "confirm": "true",
        "payment_method_data[type]": "card",
        "payment_method_data[card][token]": "tok_visa",
        "payment_method_data[billing_details][name]": "Jo Till",
        "expand[]": "payment_method",
    })
    assert response.status_code == 200, response.json
    assert response.json["status"] == "succeeded"
    pm = response.json["payment_method"]
    assert pm["card"]["last4"] == "4242" and pm["billing_details"]["name"] == "Jo Till"


@pytest.mark.parametrize("field,param", [
    ("colour", "colour"),
    ("payment_method_data[card][pin]", "payment_method_data[card][pin]"),
    ("automatic_payment_methods[turbo]", "automatic_payment_methods[turbo]"),
])
def test_unknown_parameter_is_400_with_param(wire, field, param):
    data = {"amount": "1000", "currency": "usd", field: "x"}
    if field.startswith("payment_method_data"):
        data.update({"confirm": "true", "payment_method_data[type]": "card"})
    response = wire.post("/v1/payment_intents", data=data, headers=SECRET_AUTH)
    assert response.status_code == 400
    assert response.json["error"]["param"] == param
    assert response.json["error"]["code"] == "parameter_unknown"


def test_unknown_parameter_through_stripe_python(api):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.create(params={"amount": 1000, "currency": "usd", "colour": "red"})
    assert excinfo.value.param == "colour"
    assert excinfo.value.http_status == 400


def test_conflicting_names_are_400(wire):
    response = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                         data=MultiDict([("metadata", "x"), ("metadata[a]", "b"),
                                         ("amount", "100"), ("currency", "usd")]))
    assert response.status_code == 400


def test_unknown_url_is_stripe_shaped_404(wire):
    response = wire.get("/v1/customers", headers=SECRET_AUTH)
    assert response.status_code == 404
    assert "Unrecognized request URL" in response.json["error"]["message"]


def test_unknown_object_is_404_resource_missing(api):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.retrieve("pi_doesnotexist")
    assert excinfo.value.http_status == 404
    assert excinfo.value.code == "resource_missing"


def test_no_cross_origin_access(wire):
    """No CORS: a web page on another origin can neither preflight nor read an answer."""
    preflight = wire.options("/v1/payment_intents", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Headers" not in preflight.headers
    for path in ("/v1/payment_intents", "/_sandbox/faults"):
        response = wire.get(path, headers={**SECRET_AUTH, "Origin": "https://evil.example"})
        assert response.status_code == 200
        assert not [h for h in response.headers.keys() if h.lower().startswith("access-control-")]  # noqa: SIM118 (Headers iterates (name, value) pairs)


def test_responses_are_json_with_request_id(wire):
    response = wire.get("/v1/payment_intents", headers=SECRET_AUTH)
    assert response.mimetype == "application/json"
    assert response.headers["Request-Id"].startswith("req_")
    assert json.loads(response.get_data(as_text=True))["url"] == "/v1/payment_intents"


_names = st.sampled_from(["amount", "metadata", "card", "number", "a_b", "x1", "expand"])
_nested = st.recursive(
    st.text(max_size=6),
    lambda children: st.one_of(st.dictionaries(_names, children, min_size=1, max_size=3),
                               st.lists(children, min_size=1, max_size=3)),
    max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_names, _nested, max_size=4))
def test_decode_form_inverts_stripe_pythons_encoding(params):
    """Whatever nesting stripe-python sends, the sandbox reads back the same structure."""
    assert decode_form(list(_api_encode(params))) == params
