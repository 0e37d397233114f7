"""Reader actions: process_payment_intent, set_reader_display, cancel_action, refund_payment, and the tap.

Server-driven Terminal; the test helper present_payment_method simulates the customer's tap. A
payment or refund action starts `in_progress` and stays so until a card is presented (present_
payment_method), the POS cancels it (cancel_action) or the customer cancels on the reader
(the customer_cancel fault). A tap runs the PaymentIntent's attempt as a card_present (or
interac_present) charge with Stripe's test card outcomes: approved -> the action succeeds and the
PaymentIntent is succeeded (or requires_capture with manual capture); declined -> the action fails
with the decline's code and the PaymentIntent returns to requires_payment_method with
last_payment_error. A reader with an action in progress answers terminal_reader_busy to another.
set_reader_display shows the cart and succeeds at once; it does not keep the reader busy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from pos_app.sandbox import charging, refunds
from pos_app.sandbox.calls import Call
from pos_app.sandbox.cards import CardDetails, tokenize
from pos_app.sandbox.errors import StripeError, invalid_request, unexpected_state, validation_error
from pos_app.sandbox.forms import Bool, Enum, Hash, Int, List, Metadata, Str
from pos_app.sandbox.terminal import READER, find_reader, finish, reader_error, render_reader, settled

PROCESS = {"payment_intent": Str(required=True), "expand": List(Str()),
           "process_config": Hash({"enable_customer_cancellation": Bool(), "skip_tipping": Bool(),
                                   "tipping": Hash({"amount_eligible": Int()}),
                                   "return_url": Str(), "allow_redisplay": Str()})}
DISPLAY = {"type": Enum("cart", required=True), "expand": List(Str()),
           "cart": Hash({"currency": Str(required=True), "tax": Int(), "total": Int(required=True),
                         "line_items": List(Hash({"description": Str(required=True),
                                                  "amount": Int(required=True),
                                                  "quantity": Int(required=True)}))},
                        required=True)}
CANCEL = {"expand": List(Str())}
REFUND = {"payment_intent": Str(), "charge": Str(), "amount": Int(), "metadata": Metadata(),
          "reason": Enum("duplicate", "fraudulent", "requested_by_customer"),
          "refund_application_fee": Bool(), "reverse_transfer": Bool(), "expand": List(Str()),
          "refund_payment_config": Hash({"enable_customer_cancellation": Bool()})}
PRESENT = {"type": Enum("card_present", "interac_present"), "amount_tip": Int(),
           "card_present": Hash({"number": Str()}), "interac_present": Hash({"number": Str()}),
           "expand": List(Str())}

DEFAULT_NUMBERS = {"card_present": "4242424242424242", "interac_present": "4506445006931933"}
#: Stripe's Interac test cards (type interac_present): approved, as Interac debit.
INTERAC_CARDS = frozenset({"4506445006931933", "5059224200000000", "4506445006931926"})
PROCESSABLE = ("requires_payment_method", "requires_confirmation")
OFFLINE = ("Reader is currently offline, please ensure the reader is powered on and connected to "
           "the internet before retrying your request.")
BUSY = ("Reader is currently busy processing another request, please reference "
        "https://docs.stripe.com/terminal/payments/collect-card-payment?terminal-sdk-platform="
        "server-driven#handle-errors for details.")


# --------------------------------------------------------------------------------- endpoints

def process_payment_intent(call: Call, reader_id: str):
    reader = _ready(call, reader_id)
    pi = call.find("payment_intent", call.params["payment_intent"], "payment_intent")
    if not {"card_present", "interac_present"} & set(pi["payment_method_types"]):
        raise invalid_request(f"PaymentIntent {pi['id']} can't be processed on a reader: its "
                              "payment_method_types must include card_present.",
                              param="payment_intent", code="payment_intent_invalid_parameter")
    if pi["status"] not in PROCESSABLE:
        raise unexpected_state(f"This PaymentIntent could not be processed on the reader because "
                               f"it has a status of {pi['status']}. Only a PaymentIntent with one "
                               f"of the following statuses may be processed: "
                               f"{', '.join(PROCESSABLE)}.")
    fault: dict[str, Any] = {}
    if call.state.faults.take_reader("customer_cancel", reader_id):
        fault["_then"] = "customer_canceled"
    elif call.state.faults.take_reader("reader_timeout", reader_id):
        fault["_stuck"] = True
    return _start(call, reader, "process_payment_intent", {
        "payment_intent": pi["id"], "process_config": call.params.get("process_config") or None},
        **fault)


def set_reader_display(call: Call, reader_id: str):
    reader = _ready(call, reader_id)
    cart = call.params["cart"]
    return _start(call, reader, "set_reader_display", {"type": "cart", "cart": {
        "currency": cart["currency"].lower(), "tax": cart.get("tax"), "total": cart["total"],
        "line_items": cart.get("line_items", [])}}, status="succeeded")


def cancel_action(call: Call, reader_id: str):
    reader = settled(call, find_reader(call, reader_id))
    _refuse_offline(call, reader_id)
    action = reader.get("action")
    if action and action["status"] == "in_progress":
        finish(call, reader, "failed", failure_code="canceled",
               failure_message="The action was canceled by the point of sale.")
    return 200, render_reader(call, reader)


def refund_payment(call: Call, reader_id: str):
    reader = _ready(call, reader_id)
    p = call.params
    charge = refunds.refundable_charge(call)
    amount = p.get("amount", refunds.unrefunded(charge))
    refunds.check_refund_amount(charge, amount)
    return _start(call, reader, "refund_payment", {
        "amount": amount, "charge": charge["id"], "payment_intent": charge["payment_intent"],
        "reason": p.get("reason"), "metadata": p.get("metadata", {}), "refund": None,
        "refund_application_fee": p.get("refund_application_fee"),
        "reverse_transfer": p.get("reverse_transfer"),
        "refund_payment_config": p.get("refund_payment_config")})


def present_payment_method(call: Call, reader_id: str):
    """Test helper: the customer taps (or inserts) a test card on the simulated reader."""
    reader = settled(call, find_reader(call, reader_id))
    _refuse_offline(call, reader_id)
    action = reader.get("action")
    if not action or action["status"] != "in_progress":
        raise invalid_request(f"Reader {reader_id} has no payment or refund in progress to "
                              "present a payment method to: call process_payment_intent first.",
                              code="intent_invalid_state")
    if action.get("_stuck"):
        return 200, render_reader(call, reader)  # the reader timed out: the tap never arrives
    kind = call.params.get("type", "card_present")
    number = (call.params.get(kind) or {}).get("number", DEFAULT_NUMBERS[kind])
    if action["type"] == "refund_payment":
        _refund_on_tap(call, reader, action)
    else:
        _pay_on_tap(call, reader, action, kind, number)
    return 200, render_reader(call, reader)


# ----------------------------------------------------------------------------------- the tap

def _pay_on_tap(call: Call, reader: dict, action: dict, kind: str, number: str) -> None:
    pi = call.find("payment_intent", action["process_payment_intent"]["payment_intent"])
    config = action["process_payment_intent"]["process_config"] or {}
    tip = 0
    try:
        if pi["status"] not in PROCESSABLE:  # e.g. canceled by the POS while the reader waited
            raise unexpected_state(f"This PaymentIntent has a status of {pi['status']} and can no "
                                   "longer be paid.")
        pm = _present_method(call, kind, number)
        if kind not in pi["payment_method_types"]:
            raise invalid_request(f"This PaymentIntent does not accept {kind} payments.",
                                  code="payment_intent_incompatible_payment_method")
        tip = 0 if config.get("skip_tipping") else call.params.get("amount_tip", 0)
        if tip < 0:
            raise validation_error("This value must be greater than or equal to 0.",
                                   param="amount_tip", code="parameter_invalid_integer")
        if tip:
            # As on Stripe: the PaymentIntent is confirmed for the amount inclusive of the tip.
            pi.update(amount=pi["amount"] + tip, amount_details={"tip": {"amount": tip}})
        charging.charge(call, pi, pm, authenticated=True)  # card-present: no 3-D Secure
    except StripeError as exc:
        if exc.validation:
            raise
        if tip:  # a declined tap leaves the PaymentIntent as it was asked for, tip-less
            pi = call.find("payment_intent", pi["id"])
            pi.update(amount=pi["amount"] - tip, amount_details={"tip": {}})
            call.state.put("payment_intent", pi)
        finish(call, reader, "failed", failure_code=exc.code, failure_message=exc.message)
        return
    finish(call, reader, "succeeded")


def _refund_on_tap(call: Call, reader: dict, action: dict) -> None:
    details = action["refund_payment"]
    refund_call = replace(call, params={"charge": details["charge"], "amount": details["amount"],
                                        "metadata": details["metadata"],
                                        **({"reason": details["reason"]} if details["reason"]
                                           else {})})
    try:
        _, refund = refunds.create(refund_call)
    except StripeError as exc:
        finish(call, reader, "failed", failure_code=exc.code, failure_message=exc.message)
        return
    reader["action"]["refund_payment"]["refund"] = refund["id"]
    finish(call, reader, "succeeded")


def _present_method(call: Call, kind: str, number: str) -> dict:
    """A card_present / interac_present PaymentMethod for a test card (never the number)."""
    today = dt.datetime.fromtimestamp(call.state.now(), dt.UTC).date()
    if kind == "interac_present":
        if number not in INTERAC_CARDS:
            raise invalid_request("This is not an Interac test card.", param="interac_present[number]",
                                  code="card_declined")
        card = tokenize("4242424242424242", 12, today.year + 3, None, today=today,
                        salt=call.state.fingerprint_salt)
        card = replace(card, brand="interac", last4=number[-4:], funding="debit")
    else:
        card = tokenize(number, 12, today.year + 3, None, today=today,
                        salt=call.state.fingerprint_salt, param_prefix="card_present")
    return call.state.put("payment_method", _present_record(call, kind, card))


def _present_record(call: Call, kind: str, card: CardDetails) -> dict:
    return {
        "id": call.state.new_id("pm"), "object": "payment_method", "type": kind,
        "allow_redisplay": "unspecified",
        "billing_details": {"address": {k: None for k in ("city", "country", "line1", "line2",
                                                          "postal_code", "state")},
                            "email": None, "name": None, "phone": None, "tax_id": None},
        kind: {"brand": card.brand, "brand_product": None, "cardholder_name": None,
               "country": "CA" if kind == "interac_present" else "US",
               "exp_month": card.exp_month, "exp_year": card.exp_year, "funding": card.funding,
               "fingerprint": card.fingerprint, "last4": card.last4,
               "networks": {"available": [card.brand], "preferred": None},
               "preferred_locales": ["en"], "read_method": "contactless_emv",
               "offline": None, "wallet": {"type": None}},
        "created": call.state.now(), "customer": None, "customer_account": None,
        "livemode": False, "metadata": {}, "_outcome": card.outcome.name,
    }


# ----------------------------------------------------------------------------------- helpers

def _start(call: Call, reader: dict, kind: str, details: dict, status: str = "in_progress",
           **private: Any):
    """The reader's new action in Stripe's shape (type, status, failure_*, its own hash), saved;
    `private` keys (`_then`, `_stuck`) carry a fault's plan and are never shown."""
    reader["action"] = {"type": kind, "status": status, "failure_code": None,
                        "failure_message": None, kind: details, **private}
    call.state.put(READER, reader)
    return 200, render_reader(call, reader)


def _ready(call: Call, reader_id: str) -> dict:
    """The reader, if it can take a new action: online, and not busy with another one."""
    reader = settled(call, find_reader(call, reader_id))
    _refuse_offline(call, reader_id)
    action = reader.get("action")
    if (action and action["status"] == "in_progress") or \
            call.state.faults.take_reader("reader_busy", reader_id):
        raise reader_error("terminal_reader_busy", BUSY)
    return reader


def _refuse_offline(call: Call, reader_id: str) -> None:
    if call.state.faults.reader_offline(reader_id):
        call.state.faults.take_reader("reader_offline", reader_id)
        raise reader_error("terminal_reader_offline", OFFLINE)
