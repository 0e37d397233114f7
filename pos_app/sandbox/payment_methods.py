"""PaymentMethods: type=card from a keyed card or a test token (POST /v1/payment_methods), retrieve.

As on Stripe by default, raw card numbers are taken only from publishable-key callers (Stripe.js and
its lookalike); a secret-key caller sending card[number] is refused with Stripe's "generally
unsafe" error and uses test PaymentMethods (pm_card_visa) or tokens (card[token]=tok_visa) instead.
"""

from __future__ import annotations

import datetime as dt

from pos_app.sandbox import objects
from pos_app.sandbox.calls import Call
from pos_app.sandbox.cards import TEST_PAYMENT_METHODS, TEST_TOKENS, tokenize
from pos_app.sandbox.errors import invalid_request, missing_parameter, no_such
from pos_app.sandbox.forms import Enum, Hash, Int, List, Metadata, Str
from pos_app.sandbox.state import SandboxState
from pos_app.sandbox.validation import merge_metadata

CARD = Hash({"number": Str(), "exp_month": Int(), "exp_year": Int(), "cvc": Str(), "token": Str()})

RAW_CARD_REFUSED = ("Sending credit card numbers directly to the Stripe API is generally unsafe. We "
                    "suggest you use test tokens that map to the test card you are using, see "
                    "https://stripe.com/docs/testing. To enable raw card data APIs in test mode, see "
                    "https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis.")
ADDRESS = Hash({k: Str() for k in ("city", "country", "line1", "line2", "postal_code", "state")})
BILLING_DETAILS = Hash({"name": Str(), "email": Str(), "phone": Str(), "address": ADDRESS})
PAYMENT_METHOD_DATA = {"type": Enum("card", required=True), "card": CARD,
                       "billing_details": BILLING_DETAILS, "metadata": Metadata()}

CREATE = {**PAYMENT_METHOD_DATA, "expand": List(Str())}
RETRIEVE = {"expand": List(Str())}


def create_record(state: SandboxState, data: dict, param_prefix: str = "", *, raw_card_allowed: bool) -> dict:
    """Tokenize checked payment-method data into a stored PaymentMethod (raises 402 card errors).

    raw_card_allowed: the caller used a publishable key (Stripe.js); a secret key may not send
    card numbers."""
    card_param = f"{param_prefix}[card]" if param_prefix else "card"
    card = data.get("card")
    if card is None:
        raise missing_parameter(card_param)
    if "token" in card:
        card = _card_of_token(state, card, card_param)
    elif "number" in card and not raw_card_allowed:
        raise invalid_request(RAW_CARD_REFUSED, status=402)
    for name in ("number", "exp_month", "exp_year"):
        if name not in card:
            raise missing_parameter(f"{card_param}[{name}]")
    today = dt.datetime.fromtimestamp(state.now(), dt.UTC).date()
    details = tokenize(card["number"], card["exp_month"], card["exp_year"], card.get("cvc"),
                       today=today, salt=state.fingerprint_salt, param_prefix=card_param)
    metadata = merge_metadata({}, data.get("metadata"))
    record = objects.payment_method_record(state, details, data.get("billing_details", {}),
                                           metadata)
    return state.put("payment_method", record)


def _test_card(state: SandboxState, number: str) -> dict:
    """A test card as Stripe's test ids stand for it: that number, a future expiry, no CVC."""
    year = dt.datetime.fromtimestamp(state.now(), dt.UTC).year + 3
    return {"number": number, "exp_month": 12, "exp_year": year}


def _card_of_token(state: SandboxState, card: dict, card_param: str) -> dict:
    if len(card) > 1:
        raise invalid_request(f"You may not pass {card_param}[token] together with other card "
                              f"details.", param=f"{card_param}[token]")
    number = TEST_TOKENS.get(card["token"])
    if number is None:
        raise no_such("token", card["token"], f"{card_param}[token]")
    return _test_card(state, number)


def lookup(state: SandboxState, pm_id: str, param: str = "payment_method") -> dict:
    """A stored PaymentMethod, or a fresh one for a Stripe test id such as pm_card_visa."""
    record = state.get("payment_method", pm_id)
    if record is not None:
        return record
    number = TEST_PAYMENT_METHODS.get(pm_id)
    if number is None:
        raise no_such("PaymentMethod", pm_id, param)
    return create_record(state, {"type": "card", "card": _test_card(state, number)}, raw_card_allowed=True)


def create(call: Call):
    record = create_record(call.state, call.params, raw_card_allowed=call.publishable)
    return 200, objects.render(call.state, "payment_method", record, call.expand)


def retrieve(call: Call, pm_id: str):
    record = call.find("payment_method", pm_id, "payment_method")
    return 200, objects.render(call.state, "payment_method", record, call.expand)
