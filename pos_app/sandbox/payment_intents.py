"""PaymentIntents: create, retrieve, update, confirm, cancel, list, and the 3-D Secure result.

Status machine (stripe-facts.md): requires_payment_method -> requires_confirmation ->
requires_action -> (requires_capture ->) succeeded; canceled. Charging and capture: charging.py.
A failed attempt returns to requires_payment_method with last_payment_error, and the PaymentIntent
can be confirmed again with another card.
"""

from __future__ import annotations

from pos_app.sandbox import charging, objects, payment_methods
from pos_app.sandbox.calls import Call
from pos_app.sandbox.errors import unexpected_state, validation_error
from pos_app.sandbox.forms import Bool, Enum, Hash, Int, List, Metadata, Range, Str
from pos_app.sandbox.validation import check_amount, check_currency, merge_metadata

#: card: keyed (Stripe.js); card_present / interac_present: tapped on a Terminal reader.
PAYMENT_METHOD_TYPES = ("card", "card_present", "interac_present")
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
UPDATABLE_PAYMENT = CONFIRMABLE
# As stripe-facts.md lists them: a processing intent can't be cancelled.
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action")

_CONFIRM_FIELDS = {
    "payment_method": Str(),
    "payment_method_data": Hash(payment_methods.PAYMENT_METHOD_DATA),
    "receipt_email": Str(),
    "return_url": Str(),
    "expand": List(Str()),
}
CREATE = {
    **_CONFIRM_FIELDS,
    "amount": Int(required=True),
    "currency": Str(required=True),
    "automatic_payment_methods": Hash({"enabled": Bool(required=True),
                                       "allow_redirects": Enum("always", "never")}),
    "capture_method": Enum("automatic", "automatic_async", "manual"),
    "confirm": Bool(),
    "confirmation_method": Enum("automatic", "manual"),
    "description": Str(1000),
    "metadata": Metadata(),
    "payment_method_options": Hash({"card_present": Hash({
        "capture_method": Enum("manual", "manual_preferred"),
        "request_extended_authorization": Bool(),
        "request_incremental_authorization_support": Bool()})}),
    "payment_method_types": List(Enum(*PAYMENT_METHOD_TYPES)),
    "statement_descriptor": Str(22),
    "statement_descriptor_suffix": Str(22),
}
RETRIEVE = {"client_secret": Str(), "expand": List(Str())}
UPDATE = {
    "amount": Int(), "currency": Str(), "description": Str(1000), "metadata": Metadata(),
    "payment_method": Str(), "payment_method_types": List(Enum(*PAYMENT_METHOD_TYPES)),
    "receipt_email": Str(),
    "statement_descriptor": Str(22), "statement_descriptor_suffix": Str(22),
    "expand": List(Str()),
}
CONFIRM = {**_CONFIRM_FIELDS, "client_secret": Str(), "use_stripe_sdk": Bool()}
CANCEL = {"cancellation_reason": Enum("duplicate", "fraudulent", "requested_by_customer",
                                      "abandoned"), "expand": List(Str())}
LIST = {"limit": Int(), "starting_after": Str(), "ending_before": Str(), "created": Range(),
        "expand": List(Str())}
THREE_D_SECURE_RESULT = {"client_secret": Str(), "result": Enum("complete", "fail", required=True)}


# --------------------------------------------------------------------------------- endpoints

def create(call: Call):
    p = call.params
    currency = check_currency(p["currency"])
    amount = check_amount(p["amount"], currency)
    metadata = merge_metadata({}, p.get("metadata"))
    _check_one_payment_method(p)
    if "payment_method_data" in p and not p.get("confirm"):
        raise validation_error("payment_method_data can only be used with confirm=true.",
                              param="payment_method_data")
    if p.get("payment_method_types") == []:
        raise validation_error("payment_method_types must not be empty.",
                              param="payment_method_types")
    _check_present_types(p.get("payment_method_types") or ["card"], currency,
                         p.get("capture_method", "automatic"))
    pm = _given_payment_method(call) if "payment_method" in p else None
    pi = objects.payment_intent_record(call.state, amount=amount, currency=currency,
                                       params={**p, "metadata_merged": metadata})
    if pm is not None:
        pi["payment_method"] = pm["id"]
        pi["status"] = "requires_confirmation"
    call.state.put("payment_intent", pi)
    if p.get("confirm"):
        charging.confirm_payment(call, pi)
    return 200, _render(call, pi)


def retrieve(call: Call, pi_id: str):
    pi = _get(call, pi_id)
    call.check_client_secret(pi)
    return 200, _render(call, pi)


def update(call: Call, pi_id: str):
    pi = _get(call, pi_id)
    p = call.params
    changes_payment = {"amount", "currency", "payment_method", "payment_method_types"} & p.keys()
    if changes_payment and pi["status"] not in UPDATABLE_PAYMENT:
        raise unexpected_state(f"This PaymentIntent's {sorted(changes_payment)[0]} could not be "
                               f"updated because it has a status of {pi['status']}. You may only "
                               "update the amount, currency and payment method of a PaymentIntent "
                               f"with one of the following statuses: {', '.join(CONFIRMABLE)}.")
    currency = check_currency(p["currency"]) if "currency" in p else pi["currency"]
    amount = check_amount(p.get("amount", pi["amount"]), currency)
    metadata = merge_metadata(pi["metadata"], p.get("metadata"))
    pm = _given_payment_method(call) if p.get("payment_method") else None
    pi.update(amount=amount, currency=currency, metadata=metadata)
    for name in ("description", "receipt_email", "statement_descriptor",
                 "statement_descriptor_suffix"):
        if name in p:
            pi[name] = p[name] or None
    if pm is not None:
        pi["payment_method"] = pm["id"]
    elif p.get("payment_method") == "":
        pi["payment_method"] = None
    if changes_payment:
        pi["next_action"] = None
        pi["status"] = "requires_confirmation" if pi["payment_method"] else "requires_payment_method"
    call.state.put("payment_intent", pi)
    return 200, _render(call, pi)


def confirm(call: Call, pi_id: str):
    pi = _get(call, pi_id)
    call.check_client_secret(pi)
    _check_one_payment_method(call.params)
    if pi["status"] not in CONFIRMABLE:
        raise unexpected_state(f"You cannot confirm this PaymentIntent because it has a status of "
                               f"{pi['status']}.")
    if "receipt_email" in call.params:
        pi["receipt_email"] = call.params["receipt_email"] or None
    charging.confirm_payment(call, pi)
    return 200, _render(call, pi)


def cancel(call: Call, pi_id: str):
    pi = _get(call, pi_id)
    if pi["status"] not in CANCELABLE:
        raise unexpected_state(f"You cannot cancel this PaymentIntent because it has a status of "
                               f"{pi['status']}. Only a PaymentIntent with one of the following "
                               f"statuses may be canceled: {', '.join(CANCELABLE)}.")
    charging.release(call, pi)
    pi.update(status="canceled", canceled_at=call.state.now(), next_action=None,
              cancellation_reason=call.params.get("cancellation_reason"), amount_capturable=0)
    call.state.put("payment_intent", pi)
    return 200, _render(call, pi)


def list_(call: Call):
    p = call.params
    return 200, objects.render_list(call.state, "payment_intent", url="/v1/payment_intents",
                                    limit=p.get("limit", 10), created=p.get("created"),
                                    starting_after=p.get("starting_after"),
                                    ending_before=p.get("ending_before"), expand=call.expand,
                                    caller=call.caller)


def three_d_secure_result(call: Call, pi_id: str):
    """The cashier completed or failed the sandbox's 3-D Secure challenge (Stripe.js flow)."""
    pi = _get(call, pi_id)
    call.check_client_secret(pi)
    charging.three_d_secure_result(call, pi, call.params["result"])
    return 200, _render(call, pi)


# ----------------------------------------------------------------------------------- helpers

def _get(call: Call, pi_id: str) -> dict:
    pi = call.find("payment_intent", pi_id, "intent")
    return pi


def _render(call: Call, pi: dict) -> dict:
    return charging.render(call, pi)


def _check_one_payment_method(p: dict) -> None:
    if "payment_method" in p and "payment_method_data" in p:
        raise validation_error("You may only specify one of these parameters: payment_method, "
                              "payment_method_data.", param="payment_method_data")


def _check_present_types(types: list[str], currency: str, capture_method: str) -> None:
    """Stripe's rules for Interac: Canadian dollars only, and (since API 2025-03-31.basil) never
    manual capture: Interac is single-message, captured when the customer authorizes."""
    if "interac_present" not in types:
        return
    if currency != "cad":
        raise validation_error(f"The currency provided ({currency}) is invalid for one or more "
                               "payment method types on this PaymentIntent. The payment method "
                               "type interac_present only supports: cad.",
                               param="payment_method_types")
    if capture_method == "manual":
        raise validation_error("The capture_method manual is not supported for the payment "
                               "method type interac_present. Use capture_method automatic, and "
                               "payment_method_options[card_present][capture_method]=manual_preferred"
                               " to capture card_present payments manually.",
                               param="capture_method")


def _given_payment_method(call: Call) -> dict:
    return payment_methods.lookup(call.state, call.params["payment_method"])
