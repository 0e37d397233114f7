"""Tenders over HTTP: the active sale's tenders, a cash tender (with its change), a card part, voids.

    GET  /tenders                          the sale: total, paid, remaining, cash_due, tenders
    POST /tenders/cash  {"tendered": n}    cash (omitted or null: exactly the amount due in cash)
    POST /tenders/card  {"amount": n}      a card part's PaymentIntent (omitted or null: all that is left)
    POST /tenders/void                     give every tender of the sale back (money taken: a manager's
                                           void, {"manager_pin"} approving a cashier's)

Amounts are integers in minor units. Bad input answers 400 and changes nothing; a tender the sale
can't take now (no open shift, a card part open, nothing left to pay) answers 409.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.payments.tendering import SaleTenders
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import idempotency_key, json_body, order_json, payment_json, tender_json
from pos_app.web.session_api import manager_pin, optional_body

bp = Blueprint("tenders", __name__)

#: Larger than any sale a till rings up (Stripe's own ceiling is eight digits).
MAX_AMOUNT = 10**9


def sale_json(sale: SaleTenders) -> dict:
    return {"cart_uuid": sale.cart_uuid, "currency": sale.currency, "total": sale.total, "paid": sale.paid,
            "remaining": sale.remaining, "cash_due": sale.cash_due,
            "tenders": [tender_json(t) for t in sale.tenders]}


@bp.get("/tenders")
def tenders():
    return jsonify(sale_json(context.checkout().sale_tenders()))


@bp.post("/tenders/cash")
def cash():
    tendered = _amount(json_body(), "tendered", least=1)
    taken = context.checkout().take_cash(tendered, request_key=idempotency_key())
    return jsonify({"tender": tender_json(taken.tender), "change": taken.change, "remaining": taken.remaining,
                    "order": None if taken.order is None else order_json(taken.order)})


@bp.post("/tenders/card")
def card():
    amount = _amount(json_body(), "amount", least=1)
    prepared = context.checkout().prepare_part(amount)
    return jsonify(payment_json(prepared))


@bp.post("/tenders/void")
def void():
    body = optional_body()
    pin = manager_pin(body)
    if body:
        raise BadRequestBody(f"unknown field(s): {', '.join(sorted(body))}; send nothing, or {{\"manager_pin\"}}")
    return jsonify(sale_json(context.checkout().void_tenders(manager_pin=pin)))


def _amount(body: dict, name: str, *, least: int) -> int | None:
    unknown = set(body) - {name}
    if unknown:
        raise BadRequestBody(f"unknown field(s): {', '.join(sorted(unknown))}; send {{\"{name}\": <minor units>}}")
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_AMOUNT:
        raise BadRequestBody(f"{name} must be a whole number of minor units from {least} to {MAX_AMOUNT}, or null")
    return value
