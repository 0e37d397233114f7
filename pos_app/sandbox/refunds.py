"""Refunds (create, retrieve, list), the Charges they adjust (retrieve, list), balance transactions."""

from __future__ import annotations

from pos_app.sandbox import objects
from pos_app.sandbox.calls import Call
from pos_app.sandbox.cards import OUTCOMES
from pos_app.sandbox.errors import invalid_request, validation_error
from pos_app.sandbox.forms import Enum, Int, List, Metadata, Range, Str
from pos_app.sandbox.validation import format_amount, merge_metadata

CREATE = {"payment_intent": Str(), "charge": Str(), "amount": Int(),
          "reason": Enum("duplicate", "fraudulent", "requested_by_customer"),
          "metadata": Metadata(), "expand": List(Str())}
RETRIEVE = {"expand": List(Str())}
#: How long (on the sandbox's clock) a refund of Stripe's refund test cards takes to settle:
#: 4000000000007726 is pending, then succeeds; 4000000000005126 succeeds, then fails.
REFUND_SETTLES_AFTER = 10
FAILURE_REASON = "expired_or_canceled_card"

LIST = {"payment_intent": Str(), "charge": Str(), "limit": Int(), "starting_after": Str(),
        "ending_before": Str(), "created": Range(), "expand": List(Str())}


def create(call: Call):
    p = call.params
    charge = refundable_charge(call)
    amount = p.get("amount", unrefunded(charge))
    check_refund_amount(charge, amount)
    metadata = merge_metadata({}, p.get("metadata"))
    txn = objects.balance_transaction_record(
        call.state, source="", amount=-amount, currency=charge["currency"], type="refund")
    refund = objects.refund_record(call.state, charge, amount, p.get("reason"), metadata,
                                   txn["id"])
    txn["source"] = refund["id"]
    call.state.put("balance_transaction", txn)
    behaviour = _refund_behaviour(call, charge)
    if behaviour != "succeeds":
        refund["_settles_at"] = call.state.now() + REFUND_SETTLES_AFTER
        if behaviour == "pending":
            refund.update(status="pending", _then="succeeded")
        else:
            refund["_then"] = "failed"
    call.state.put("refund", refund)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    call.state.put("charge", charge)
    return 200, objects.render(call.state, "refund", refund, call.expand, caller=call.caller)


def unrefunded(charge: dict) -> int:
    """What a refund may still give back: the captured amount less refunds (a partial capture's
    released remainder shows as refunded on the charge, but was never paid)."""
    released = charge["amount"] - charge["amount_captured"]
    return charge["amount_captured"] - (charge["amount_refunded"] - released)


def check_refund_amount(charge: dict, amount: int) -> None:
    remaining = unrefunded(charge)
    if remaining <= 0:
        raise invalid_request(f"Charge {charge['id']} has already been refunded.",
                              code="charge_already_refunded")
    if amount < 1:
        raise validation_error("This value must be greater than or equal to 1.", param="amount",
                              code="parameter_invalid_integer")
    if amount > remaining:
        currency = charge["currency"]
        raise invalid_request(f"Refund amount ({format_amount(amount, currency)}) is greater than "
                              f"unrefunded amount on charge ({format_amount(remaining, currency)})",
                              param="amount", code="amount_too_large")


def _refund_behaviour(call: Call, charge: dict) -> str:
    pm = call.state.get("payment_method", charge.get("payment_method") or "")
    outcome = OUTCOMES.get(pm["_outcome"]) if pm else None
    return outcome.refund if outcome is not None else "succeeds"


def settle(call: Call, refund: dict) -> dict:
    """A refund of a refund test card reaches its later status once its time has come."""
    settles_at = refund.get("_settles_at")
    if settles_at is None or call.state.now() < settles_at:
        return refund
    refund["status"] = refund.pop("_then")
    del refund["_settles_at"]
    if refund["status"] == "failed":
        refund["failure_reason"] = FAILURE_REASON
        charge = call.state.get("charge", refund["charge"])
        charge["amount_refunded"] -= refund["amount"]
        charge["refunded"] = False
        call.state.put("charge", charge)
    call.state.put("refund", refund)
    return refund


def retrieve(call: Call, refund_id: str):
    refund = settle(call, call.find("refund", refund_id))
    return 200, objects.render(call.state, "refund", refund, call.expand, caller=call.caller)


def list_(call: Call):
    for refund in call.state.all("refund"):
        settle(call, refund)
    return 200, _list(call, "refund", "/v1/refunds")


def retrieve_balance_transaction(call: Call, txn_id: str):
    txn = call.find("balance_transaction", txn_id)
    return 200, objects.render(call.state, "balance_transaction", txn, call.expand,
                               caller=call.caller)


def retrieve_charge(call: Call, charge_id: str):
    charge = call.find("charge", charge_id)
    return 200, objects.render(call.state, "charge", charge, call.expand, caller=call.caller)


def list_charges(call: Call):
    return 200, _list(call, "charge", "/v1/charges")


def _list(call: Call, kind: str, url: str) -> dict:
    p = call.params
    # A charge's own id is its "charge"; a refund names its charge in a column.
    charge_column = "id" if kind == "charge" else "charge"
    return objects.render_list(call.state, kind, url=url, limit=p.get("limit", 10),
                               starting_after=p.get("starting_after"),
                               ending_before=p.get("ending_before"), expand=call.expand,
                               created=p.get("created"), payment_intent=p.get("payment_intent"),
                               caller=call.caller,
                               **{charge_column: p.get("charge")})


def refundable_charge(call: Call) -> dict:
    p = call.params
    if not p.get("payment_intent") and not p.get("charge"):
        raise validation_error("One of the following params should be provided for this request: "
                              "payment_intent or charge.", param="payment_intent",
                              code="parameter_missing")
    charge = None
    if p.get("payment_intent"):
        pi = call.find("payment_intent", p["payment_intent"], "payment_intent")
        if pi["status"] != "succeeded":
            raise invalid_request("This PaymentIntent does not have a successful charge to refund.",
                                  param="payment_intent", code="payment_intent_unexpected_state")
        charge = call.state.get("charge", pi["latest_charge"])
    if p.get("charge"):
        by_id = call.find("charge", p["charge"], "charge")
        if charge is not None and charge["id"] != by_id["id"]:
            raise invalid_request("The charge does not belong to this payment_intent.",
                                  param="charge")
        charge = by_id
    assert charge is not None
    if charge["status"] == "succeeded" and not charge["captured"]:
        raise invalid_request(f"Charge {charge['id']} has not been captured; cancel its "
                              "PaymentIntent to release the authorization.", param="charge",
                              code="charge_not_refundable")
    if charge["status"] != "succeeded":
        raise invalid_request(f"Charge {charge['id']} has not succeeded and cannot be refunded.",
                              param="charge", code="charge_not_refundable")
    return charge
