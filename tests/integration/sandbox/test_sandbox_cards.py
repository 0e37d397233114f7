"""Every test card of stripe-facts.md, tokenization checks, 3-D Secure and publishable-key calls."""

from __future__ import annotations

import pytest
import stripe

from .sandbox_helpers import TEST_PUBLISHABLE_KEY as SANDBOX_PUBLISHABLE_KEY

from .sandbox_helpers import PUBLISHABLE_AUTH, SECRET_AUTH, card_data

SUCCEEDING = [("4242424242424242", "visa"), ("5555555555554444", "mastercard")]
DECLINING = [
    ("4000000000000002", "card_declined", "generic_decline"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
    ("4000000000009987", "card_declined", "lost_card"),
    ("4000000000009979", "card_declined", "stolen_card"),
    ("4000000000000069", "expired_card", "expired_card"),
    ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
    ("4000000000000119", "processing_error", "processing_error"),
]
THREE_D_SECURE = ["4000002760003184", "4000000000003220"]


def confirm_with(api, browser, number, **card):
    """Stripe.js's way: the server creates the PI; the browser confirms it with the card (publishable
    key and client_secret: the only caller that may send a card number)."""
    pi = api.payment_intents.create(params={"amount": 5000, "currency": "usd"})
    browser.payment_intents.confirm(pi.id, params={"payment_method_data": card_data(number, **card),
                                                   "client_secret": pi.client_secret})
    return pi, api.payment_intents.retrieve(pi.id)


@pytest.mark.parametrize("number,brand", SUCCEEDING)
def test_succeeding_cards(api, browser, number, brand):
    _, pi = confirm_with(api, browser, number)
    assert pi.status == "succeeded" and pi.amount_received == 5000
    charge = api.charges.retrieve(pi.latest_charge)
    assert charge.payment_method_details.card.brand == brand
    assert charge.payment_method_details.card.last4 == number[-4:]


@pytest.mark.parametrize("number,code,decline_code", DECLINING)
def test_declining_cards(api, browser, number, code, decline_code):
    with pytest.raises(stripe.CardError) as excinfo:
        confirm_with(api, browser, number)
    err = excinfo.value
    assert err.http_status == 402
    assert err.error.type == "card_error"
    assert (err.code, err.error.decline_code) == (code, decline_code)
    assert err.error.payment_intent.status == "requires_payment_method"
    assert err.error.payment_intent.last_payment_error.code == code
    charge = api.charges.retrieve(err.error.charge)
    assert charge.status == "failed" and charge.failure_code == code


def test_incorrect_number_fails_luhn_at_confirm(api, browser):
    with pytest.raises(stripe.CardError) as excinfo:
        confirm_with(api, browser, "4242424242424241")
    err = excinfo.value
    assert (err.http_status, err.code) == (402, "incorrect_number")
    assert err.error.payment_intent.status == "requires_payment_method"
    assert err.error.payment_intent.last_payment_error.code == "incorrect_number"


def test_incorrect_number_at_tokenization(api, browser):
    with pytest.raises(stripe.CardError) as excinfo:
        browser.payment_methods.create(params=card_data("4242424242424241"))
    assert excinfo.value.code == "incorrect_number"
    assert excinfo.value.param == "card[number]"


@pytest.mark.parametrize("card,code", [
    ({"exp_month": 13}, "invalid_expiry_month"),
    ({"exp_month": 0}, "invalid_expiry_month"),
    ({"exp_year": 2020}, "invalid_expiry_year"),      # the fake clock is in January 2027
    ({"exp_year": 2027, "exp_month": 1}, None),       # this month is still valid
    ({"exp_year": 2026, "exp_month": 12}, "invalid_expiry_year"),
    ({"cvc": "12"}, "invalid_cvc"),
    ({"cvc": "abc"}, "invalid_cvc"),
])
def test_expiry_and_cvc_checks(api, browser, card, code):
    params = card_data("4242424242424242", **card)
    if code is None:
        assert browser.payment_methods.create(params=params).card.exp_year == 2027
        return
    with pytest.raises(stripe.CardError) as excinfo:
        browser.payment_methods.create(params=params)
    assert excinfo.value.http_status == 402 and excinfo.value.code == code


def test_non_test_card_is_refused_as_in_test_mode(api, browser):
    with pytest.raises(stripe.CardError) as excinfo:
        browser.payment_methods.create(params=card_data("4012888888881881"))  # Luhn-valid, not a test card
    assert excinfo.value.error.decline_code == "test_mode_live_card"


def test_payment_method_keeps_no_number_or_cvc(api, browser, wire, state):
    pm = browser.payment_methods.create(params={**card_data("4242424242424242", cvc="987"),
                                            "billing_details": {"name": "A Cashier"}})
    assert (pm.card.brand, pm.card.last4, pm.card.exp_month, pm.card.exp_year) == (
        "visa", "4242", 12, 2030)
    assert pm.card.fingerprint and "4242424242424242" not in pm.card.fingerprint
    stored = repr(state.get("payment_method", pm.id))
    # The CVC as a stored value (random ids and the fingerprint may contain the digits 987 by chance).
    assert "4242424242424242" not in stored and "'987'" not in stored and "'cvc'" not in stored
    assert api.payment_methods.retrieve(pm.id).id == pm.id
    body = wire.get(f"/v1/payment_methods/{pm.id}", headers=SECRET_AUTH).get_data(as_text=True)
    assert "4242424242424242" not in body


def test_same_card_same_fingerprint(api, browser):
    one = browser.payment_methods.create(params=card_data("4242424242424242"))
    two = browser.payment_methods.create(params=card_data("4242424242424242", exp_year=2031))
    other = browser.payment_methods.create(params=card_data("5555555555554444"))
    assert one.card.fingerprint == two.card.fingerprint != other.card.fingerprint


# ----------------------------------------------------------------------------- 3-D Secure

def start_3ds(wire, number):
    created = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                        data={"amount": "2500", "currency": "gbp"}).json
    pm = wire.post("/v1/payment_methods", headers=PUBLISHABLE_AUTH, data={
        "type": "card", "card[number]": number, "card[exp_month]": "12",
        "card[exp_year]": "2030", "card[cvc]": "123"}).json
    confirmed = wire.post(f"/v1/payment_intents/{created['id']}/confirm", headers=PUBLISHABLE_AUTH,
                          data={"client_secret": created["client_secret"],
                                "payment_method": pm["id"]})
    return created, confirmed


@pytest.mark.parametrize("number", THREE_D_SECURE)
def test_3ds_card_requires_action_then_complete_succeeds(wire, number):
    created, confirmed = start_3ds(wire, number)
    assert confirmed.status_code == 200
    pi = confirmed.json
    assert pi["status"] == "requires_action"
    sdk = pi["next_action"]["use_stripe_sdk"]
    assert pi["next_action"]["type"] == "use_stripe_sdk"
    assert sdk["type"] == "three_d_secure_redirect" and sdk["source"].startswith("src_")
    assert sdk["stripe_js"] == f"http://localhost/v3/3ds/challenge?payment_intent={pi['id']}"
    done = wire.post(f"/_sandbox/3ds/{pi['id']}", headers=PUBLISHABLE_AUTH,
                     data={"client_secret": created["client_secret"], "result": "complete"})
    assert done.status_code == 200 and done.json["status"] == "succeeded"
    full = wire.get(f"/v1/payment_intents/{pi['id']}?expand[]=latest_charge",
                    headers=SECRET_AUTH).json
    assert full["amount_received"] == 2500
    assert full["latest_charge"]["payment_method_details"]["card"]["three_d_secure"]["result"] == (
        "authenticated")


@pytest.mark.parametrize("number", THREE_D_SECURE)
def test_3ds_challenge_failed(wire, number):
    created, _confirmed = start_3ds(wire, number)
    failed = wire.post(f"/_sandbox/3ds/{created['id']}", headers=PUBLISHABLE_AUTH,
                       data={"client_secret": created["client_secret"], "result": "fail"})
    assert failed.status_code == 200
    pi = failed.json
    assert pi["status"] == "requires_payment_method" and pi["next_action"] is None
    assert pi["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    retry = wire.post(f"/v1/payment_intents/{created['id']}/confirm", headers=SECRET_AUTH,
                      data={"payment_method": "pm_card_visa"})
    assert retry.json["status"] == "succeeded"


def test_3ds_result_needs_the_client_secret_and_requires_action(wire):
    created, _ = start_3ds(wire, THREE_D_SECURE[0])
    wrong = wire.post(f"/_sandbox/3ds/{created['id']}", headers=PUBLISHABLE_AUTH,
                      data={"client_secret": "pi_x_secret_y", "result": "complete"})
    assert wrong.status_code == 400 and wrong.json["error"]["param"] == "client_secret"
    ok = wire.post(f"/_sandbox/3ds/{created['id']}", headers=PUBLISHABLE_AUTH,
                   data={"client_secret": created["client_secret"], "result": "complete"})
    assert ok.status_code == 200
    again = wire.post(f"/_sandbox/3ds/{created['id']}", headers=PUBLISHABLE_AUTH,
                      data={"client_secret": created["client_secret"], "result": "complete"})
    assert again.status_code == 400


def test_3ds_through_stripe_python(api, browser):
    _pi, confirmed = confirm_with(api, browser, "4000000000003220")
    assert confirmed.status == "requires_action"
    assert confirmed.next_action.type == "use_stripe_sdk"


# ------------------------------------------------------------------------ publishable key

def test_publishable_retrieve_needs_matching_client_secret(wire):
    created = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                        data={"amount": "1000", "currency": "usd", "metadata[k]": "v"}).json
    missing = wire.get(f"/v1/payment_intents/{created['id']}", headers=PUBLISHABLE_AUTH)
    assert missing.status_code == 400
    wrong = wire.get(f"/v1/payment_intents/{created['id']}?client_secret=nope",
                     headers=PUBLISHABLE_AUTH)
    assert wrong.status_code == 400 and wrong.json["error"]["param"] == "client_secret"
    ok = wire.get(f"/v1/payment_intents/{created['id']}?client_secret={created['client_secret']}",
                  headers=PUBLISHABLE_AUTH)
    assert ok.status_code == 200
    pi = ok.json
    for field in ("id", "status", "amount", "currency", "client_secret", "last_payment_error",
                  "next_action", "payment_method"):
        assert field in pi
    assert "metadata" not in pi and "latest_charge" not in pi   # client-safe subset


def test_publishable_confirm_needs_client_secret(wire):
    created = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                        data={"amount": "1000", "currency": "usd"}).json
    refused = wire.post(f"/v1/payment_intents/{created['id']}/confirm", headers=PUBLISHABLE_AUTH,
                        data={"payment_method": "pm_card_visa"})
    assert refused.status_code == 400
    assert wire.get(f"/v1/payment_intents/{created['id']}", headers=SECRET_AUTH).json[
        "status"] == "requires_payment_method"


def test_publishable_decline_carries_client_safe_pi(wire):
    created = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                        data={"amount": "1000", "currency": "usd", "metadata[k]": "v"}).json
    declined = wire.post(f"/v1/payment_intents/{created['id']}/confirm", headers=PUBLISHABLE_AUTH,
                         data={"client_secret": created["client_secret"],
                               "payment_method": "pm_card_chargeDeclinedInsufficientFunds"})
    assert declined.status_code == 402
    error = declined.json["error"]
    assert error["decline_code"] == "insufficient_funds"
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert "metadata" not in error["payment_intent"]


def test_stripe_js_key_field_authenticates(wire):
    response = wire.post("/v1/payment_methods", data={
        "key": SANDBOX_PUBLISHABLE_KEY, "type": "card", "card[number]": "4242424242424242",
        "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "123",
        "payment_user_agent": "stripe.js/sandbox", "time_on_page": "1234"})
    assert response.status_code == 200 and response.json["card"]["last4"] == "4242"


# ------------------------------------------------------------- card data from a secret key

RAW_CARD = {"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
            "card[exp_year]": "2030", "card[cvc]": "123"}


@pytest.mark.parametrize("path, fields", [
    ("/v1/payment_methods", RAW_CARD),
    ("/v1/payment_intents", {"amount": "1000", "currency": "usd", "confirm": "true",
                             "payment_method_data[type]": "card",
                             "payment_method_data[card][number]": "4242424242424242",
                             "payment_method_data[card][exp_month]": "12",
                             "payment_method_data[card][exp_year]": "2030"}),
])
def test_raw_card_numbers_from_a_secret_key_are_refused_as_stripe_does(wire, state, path, fields):
    response = wire.post(path, headers=SECRET_AUTH, data=fields)
    assert response.status_code == 402
    error = response.json["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("Sending credit card numbers directly to the Stripe API is "
                                       "generally unsafe.")
    assert state.all("payment_method") == [] and state.all("charge") == []


@pytest.mark.parametrize("test_id, brand, last4, funding", [
    ("pm_card_visa", "visa", "4242", "credit"),
    ("pm_card_visa_debit", "visa", "5556", "debit"),
    ("pm_card_mastercard", "mastercard", "4444", "credit"),
])
def test_stripes_test_payment_methods_pay_from_python(api, test_id, brand, last4, funding):
    pi = api.payment_intents.create(params={"amount": 1500, "currency": "usd", "confirm": True,
                                            "payment_method": test_id, "expand": ["payment_method"]})
    assert pi.status == "succeeded"
    assert (pi.payment_method.card.brand, pi.payment_method.card.last4) == (brand, last4)
    assert pi.payment_method.card.funding == funding


@pytest.mark.parametrize("test_id, decline_code", [
    ("pm_card_chargeDeclined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
])
def test_stripes_declining_test_payment_methods(api, test_id, decline_code):
    pi = api.payment_intents.create(params={"amount": 1500, "currency": "usd"})
    with pytest.raises(stripe.CardError) as excinfo:
        api.payment_intents.confirm(pi.id, params={"payment_method": test_id})
    assert excinfo.value.error.decline_code == decline_code


def test_authentication_required_test_method_asks_for_3ds(api):
    pi = api.payment_intents.create(params={"amount": 1500, "currency": "usd", "confirm": True,
                                            "payment_method": "pm_card_authenticationRequired"})
    assert pi.status == "requires_action"


def test_test_tokens_make_payment_methods(api):
    pm = api.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    assert (pm.card.brand, pm.card.last4) == ("visa", "4242")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_methods.create(params={"type": "card", "card": {"token": "tok_nonsense"}})
    assert excinfo.value.http_status == 404 and excinfo.value.param == "card[token]"
