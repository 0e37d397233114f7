"""3-D Secure's next_action in the shape Stripe answers: use_stripe_sdk, or a redirect to return_url."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .sandbox_helpers import PUBLISHABLE_AUTH, SECRET_AUTH

THREE_DS = "4000002760003184"


def confirm(wire, auth, **extra):
    """Confirm with a card that needs 3-D Secure: typed into the page (publishable key), or
    Stripe's test PaymentMethod from a server (raw numbers are for the browser only)."""
    pi = wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={"amount": "1000", "currency": "usd"}).json
    if auth is PUBLISHABLE_AUTH:
        data = {"payment_method_data[type]": "card", "payment_method_data[card][number]": THREE_DS,
                "payment_method_data[card][exp_month]": "12", "payment_method_data[card][exp_year]": "2030",
                "payment_method_data[card][cvc]": "123", "client_secret": pi["client_secret"], **extra}
    else:
        data = {"payment_method": "pm_card_authenticationRequired", **extra}
    return pi, wire.post(f"/v1/payment_intents/{pi['id']}/confirm", headers=auth, data=data).json


def test_stripe_js_gets_use_stripe_sdk(wire):
    _, answer = confirm(wire, PUBLISHABLE_AUTH, use_stripe_sdk="true", return_url="https://till.example/done")
    assert answer["status"] == "requires_action"
    action = answer["next_action"]
    assert action["type"] == "use_stripe_sdk"
    assert action["use_stripe_sdk"]["type"] == "three_d_secure_redirect"
    assert "/v3/3ds/challenge?payment_intent=" in action["use_stripe_sdk"]["stripe_js"]


def test_a_server_confirm_without_return_url_gets_use_stripe_sdk(wire):
    _, answer = confirm(wire, SECRET_AUTH)
    assert answer["next_action"]["type"] == "use_stripe_sdk"


def test_a_return_url_gets_a_redirect_that_comes_back(wire):
    pi, answer = confirm(wire, SECRET_AUTH, return_url="https://till.example/done?x=1")
    action = answer["next_action"]
    assert action["type"] == "redirect_to_url"
    assert action["redirect_to_url"]["return_url"] == "https://till.example/done?x=1"
    url = urlsplit(action["redirect_to_url"]["url"]).path
    page = wire.get(url)
    assert page.status_code == 200 and b"Complete" in page.data
    assert "form-action 'self' https://till.example" in page.headers["Content-Security-Policy"]

    back = wire.post(url, data={"result": "complete"})
    assert back.status_code == 303
    target = urlsplit(back.headers["Location"])
    assert (target.netloc, target.path) == ("till.example", "/done")
    query = parse_qs(target.query)
    assert query["redirect_status"] == ["succeeded"] and query["payment_intent"] == [pi["id"]]
    assert query["payment_intent_client_secret"] == [pi["client_secret"]]
    assert wire.get(f"/v1/payment_intents/{pi['id']}", headers=SECRET_AUTH).json["status"] == "succeeded"
    assert wire.post(url, data={"result": "complete"}).status_code == 404  # the link was used


def test_a_failed_redirect_challenge(wire):
    pi, answer = confirm(wire, SECRET_AUTH, return_url="https://till.example/done")
    url = urlsplit(answer["next_action"]["redirect_to_url"]["url"]).path
    back = wire.post(url, data={"result": "fail"})
    assert parse_qs(urlsplit(back.headers["Location"]).query)["redirect_status"] == ["failed"]
    after = wire.get(f"/v1/payment_intents/{pi['id']}", headers=SECRET_AUTH).json
    assert after["status"] == "requires_payment_method"
    assert after["last_payment_error"]["doc_url"] == (
        "https://docs.stripe.com/error-codes/payment-intent-authentication-failure")


def test_a_wrong_redirect_token_is_404(wire):
    pi, _answer = confirm(wire, SECRET_AUTH, return_url="https://till.example/done")
    assert wire.get(f"/_sandbox/3ds/redirect/{pi['id']}/nottoken").status_code == 404


def test_a_return_url_must_be_http(wire):
    _, answer = confirm(wire, SECRET_AUTH, return_url="javascript:alert(1)")
    assert answer["error"]["param"] == "return_url"
