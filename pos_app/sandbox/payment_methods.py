"""PaymentMethods: type=card from a keyed card (POST /v1/payment_methods), retrieve."""

from __future__ import annotations

import datetime as dt

from pos_app.sandbox import objects
from pos_app.sandbox.calls import Call
from pos_app.sandbox.cards import TEST_PAYMENT_METHODS, tokenize
from pos_app.sandbox.errors import missing_parameter, no_such
from pos_app.sandbox.forms import Enum, Hash, Int, List, Metadata, Str
from pos_app.sandbox.state import SandboxState
from pos_app.sandbox.validation import merge_metadata

CARD = Hash({"number": Str(required=True), "exp_month": Int(required=True),
             "exp_year": Int(required=True), "cvc": Str()})
ADDRESS = Hash({k: Str() for k in ("city", "country", "line1", "line2", "postal_code", "state")})
BILLING_DETAILS = Hash({"name": Str(), "email": Str(), "phone": Str(), "address": ADDRESS})
PAYMENT_METHOD_DATA = {"type": Enum("card", required=True), "card": CARD,
                       "billing_details": BILLING_DETAILS, "metadata": Metadata()}

CREATE = {**PAYMENT_METHOD_DATA, "expand": List(Str())}
RETRIEVE = {"expand": List(Str())}


def create_record(state: SandboxState, data: dict, param_prefix: str = "") -> dict:
    """Tokenize checked payment-method data into a stored PaymentMethod (raises 402 card errors)."""
    card_param = f"{param_prefix}[card]" if param_prefix else "card"
    card = data.get("card")
    if card is None:
        raise missing_parameter(card_param)
    today = dt.datetime.fromtimestamp(state.now(), dt.timezone.utc).date()
    details = tokenize(card["number"], card["exp_month"], card["exp_year"], card.get("cvc"),
                       today=today, salt=state.fingerprint_salt, param_prefix=card_param)
    metadata = merge_metadata({}, data.get("metadata"))
    record = objects.payment_method_record(state, details, data.get("billing_details", {}),
                                           metadata)
    return state.put("payment_method", record)


def lookup(state: SandboxState, pm_id: str, param: str = "payment_method") -> dict:
    """A stored PaymentMethod, or a fresh one for a Stripe test id such as pm_card_visa."""
    record = state.get("payment_method", pm_id)
    if record is not None:
        return record
    number = TEST_PAYMENT_METHODS.get(pm_id)
    if number is None:
        raise no_such("PaymentMethod", pm_id, param)
    year = dt.datetime.fromtimestamp(state.now(), dt.timezone.utc).year + 3
    data = {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": year}}
    return create_record(state, data)


def create(call: Call):
    record = create_record(call.state, call.params)
    return 200, objects.render(call.state, "payment_method", record, call.expand)


def retrieve(call: Call, pm_id: str):
    record = call.find("payment_method", pm_id, "payment_method")
    return 200, objects.render(call.state, "payment_method", record, call.expand)
