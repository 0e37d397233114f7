"""Charging a PaymentIntent: the attempt, 3-D Secure's next_action, manual capture, the 3DS result.

With capture_method=automatic a successful attempt captures at once (the charge gets its balance
transaction); with manual it only authorizes: the PaymentIntent waits in requires_capture with
amount_capturable set until POST /v1/payment_intents/{id}/capture (amount_to_capture, at most the
authorized amount; the rest is released and shows as refunded on the charge, as on Stripe).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pos_app.sandbox import objects, payment_methods
from pos_app.sandbox.calls import Call
from pos_app.sandbox.cards import OUTCOMES
from pos_app.sandbox.errors import (StripeError, doc_url, invalid_request, unexpected_state,
                                    validation_error)
from pos_app.sandbox.forms import Int, List, Metadata, Str
from pos_app.sandbox.state import random_token
from pos_app.sandbox.validation import merge_metadata

CAPTURE = {"amount_to_capture": Int(), "metadata": Metadata(), "expand": List(Str()),
           "statement_descriptor": Str(22), "statement_descriptor_suffix": Str(22)}
AUTHENTICATION_FAILED = ("The provided PaymentMethod has failed authentication. You can provide "
                         "payment_method_data or a new PaymentMethod to attempt to fulfill this "
                         "PaymentIntent again.")


def render(call: Call, pi: dict) -> dict:
    return objects.render(call.state, "payment_intent", pi, call.expand, call.publishable,
                          caller=call.caller)


def confirm_payment(call: Call, pi: dict) -> None:
    """One payment attempt with the PaymentMethod given (or data for one, or the one attached)."""
    p = call.params
    if "payment_method_data" in p:
        try:
            pm = payment_methods.create_record(call.state, p["payment_method_data"],
                                               "payment_method_data",
                                               raw_card_allowed=call.publishable)
        except StripeError as exc:
            if exc.type != "card_error":
                raise
            fail(call, pi, exc, pm=None)
    elif p.get("payment_method"):
        pm = payment_methods.lookup(call.state, p["payment_method"])
    elif pi["payment_method"]:
        pm = call.state.get("payment_method", pi["payment_method"])
    else:
        raise invalid_request("You cannot confirm this PaymentIntent because it's missing a "
                              "payment method. Update the PaymentIntent with a payment method "
                              "and then confirm it again.", param="payment_method",
                              code="payment_intent_unexpected_state")
    charge(call, pi, pm, authenticated=False)


def charge(call: Call, pi: dict, pm: dict, *, authenticated: bool) -> None:
    if pm["type"] not in pi["payment_method_types"]:
        raise invalid_request(f"The provided PaymentMethod's type ({pm['type']}) is not allowed "
                              "for this PaymentIntent. Use a PaymentMethod of one of these types: "
                              f"{', '.join(pi['payment_method_types'])}.", param="payment_method",
                              code="payment_intent_incompatible_payment_method")
    outcome = OUTCOMES[pm["_outcome"]]
    pi.update(payment_method=pm["id"], last_payment_error=None, next_action=None)
    if outcome.three_d_secure and not authenticated:
        pi["status"] = "requires_action"
        pi["next_action"] = _authentication_action(call, pi)
        call.state.put("payment_intent", pi)
        return
    failure = (outcome.code, outcome.message) if outcome.code else None
    attempt = objects.charge_record(call.state, pi, pm, failure=failure,
                                    three_d_secure=outcome.three_d_secure,
                                    cvc_check=outcome.cvc_check, base_url=call.base_url)
    pi["latest_charge"] = attempt["id"]
    if failure is not None:
        call.state.put("charge", attempt)
        fail(call, pi, StripeError(402, "card_error", outcome.message, code=outcome.code,
                                   decline_code=outcome.decline_code, charge=attempt["id"]), pm=pm)
    if captures_manually(pi, pm):
        call.state.put("charge", attempt)
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
    else:
        _settle(call, attempt, pi["amount"])
        pi.update(status="succeeded", amount_received=pi["amount"], amount_capturable=0)
    call.state.put("payment_intent", pi)


def captures_manually(pi: dict, pm: dict) -> bool:
    """Whether a successful attempt only authorizes: the PaymentIntent's capture_method, except that
    a tapped card follows payment_method_options[card_present][capture_method] when given, and
    Interac (single-message) is always captured at once."""
    if pm["type"] == "interac_present":
        return False
    if pm["type"] == "card_present":
        options = pi.get("payment_method_options") or {}
        option = (options.get("card_present") or {}).get("capture_method")
        if option in ("manual", "manual_preferred"):
            return True
    return pi["capture_method"] == "manual"


def fail(call: Call, pi: dict, exc: StripeError, pm: dict | None) -> None:
    """Record a failed attempt on the PaymentIntent and answer it as Stripe does (402)."""
    if pm is not None:
        exc.payment_method = objects.public(pm)
    pi.update(status="requires_payment_method", payment_method=None, next_action=None,
              last_payment_error=exc.error_object())
    call.state.put("payment_intent", pi)
    exc.payment_intent = render(call, pi)
    raise exc


def capture(call: Call, pi_id: str):
    pi = call.find("payment_intent", pi_id, "intent")
    if pi["status"] != "requires_capture":
        raise unexpected_state(f"This PaymentIntent could not be captured because it has a status "
                               f"of {pi['status']}. Only a PaymentIntent with one of the following "
                               "statuses may be captured: requires_capture.")
    p = call.params
    amount = p.get("amount_to_capture", pi["amount_capturable"])
    if amount < 1:
        raise invalid_request("This value must be greater than or equal to 1.",
                              param="amount_to_capture", code="parameter_invalid_integer")
    if amount > pi["amount_capturable"]:
        raise invalid_request(f"The amount_to_capture ({amount}) is greater than the amount "
                              f"capturable on this PaymentIntent ({pi['amount_capturable']}).",
                              param="amount_to_capture", code="amount_too_large")
    pi["metadata"] = merge_metadata(pi["metadata"], p.get("metadata"))
    for name in ("statement_descriptor", "statement_descriptor_suffix"):
        if name in p:
            pi[name] = p[name] or None
    attempt = call.state.get("charge", pi["latest_charge"])
    _settle(call, attempt, amount)
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    call.state.put("payment_intent", pi)
    return 200, render(call, pi)


def release(call: Call, pi: dict) -> None:
    """Canceling an authorized PaymentIntent releases its uncaptured charge (shown as refunded)."""
    attempt = call.state.get("charge", pi["latest_charge"]) if pi["latest_charge"] else None
    if attempt is not None and not attempt["captured"] and attempt["status"] == "succeeded":
        attempt.update(amount_refunded=attempt["amount"], refunded=True)
        call.state.put("charge", attempt)


def three_d_secure_result(call: Call, pi: dict, result: str) -> None:
    """The customer completed or failed the sandbox's 3-D Secure challenge."""
    if pi["status"] != "requires_action":
        raise unexpected_state(f"This PaymentIntent has a status of {pi['status']}; only one that "
                               "requires_action awaits 3-D Secure authentication.")
    pm = call.state.get("payment_method", pi["payment_method"])
    if result == "complete":
        charge(call, pi, pm, authenticated=True)
        return
    pi.update(status="requires_payment_method", payment_method=None, next_action=None,
              last_payment_error={
                  "type": "invalid_request_error",
                  "code": "payment_intent_authentication_failure",
                  "message": AUTHENTICATION_FAILED,
                  "doc_url": doc_url("payment_intent_authentication_failure"),
                  "payment_method": objects.public(pm)})
    call.state.put("payment_intent", pi)


def _settle(call: Call, attempt: dict, amount: int) -> None:
    """Capture `amount` of a successful charge: its balance transaction, the rest released."""
    txn = objects.balance_transaction_record(call.state, source=attempt["id"], amount=amount,
                                             currency=attempt["currency"], type="charge")
    call.state.put("balance_transaction", txn)
    released = attempt["amount"] - amount
    attempt.update(captured=True, amount_captured=amount, balance_transaction=txn["id"],
                   amount_refunded=released, refunded=False)
    call.state.put("charge", attempt)


def _authentication_action(call: Call, pi: dict) -> dict:
    """What Stripe answers for a card that needs 3-D Secure: a redirect when the confirm gave a
    return_url (and not use_stripe_sdk, as Stripe.js sends), else what Stripe.js acts on."""
    p = call.params
    if p.get("return_url") and not p.get("use_stripe_sdk"):
        if urlsplit(p["return_url"]).scheme not in ("http", "https"):
            raise validation_error("Invalid URL: return_url must be an http(s) URL.",
                                   param="return_url", code="url_invalid")
        token = random_token(24)
        pi["_redirect_token"] = token
        pi["_return_url"] = p["return_url"]
        return {"type": "redirect_to_url", "redirect_to_url": {
            "url": f"{call.base_url}/_sandbox/3ds/redirect/{pi['id']}/{token}",
            "return_url": p["return_url"]}}
    return {"type": "use_stripe_sdk", "use_stripe_sdk": {
        "type": "three_d_secure_redirect",
        "stripe_js": f"{call.base_url}/v3/3ds/challenge?payment_intent={pi['id']}",
        "source": call.state.new_id("src")}}
