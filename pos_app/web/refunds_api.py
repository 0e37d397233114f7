"""Refunds over HTTP: an order with its tenders, refunds and what is left, and a refund back to its tenders.

    GET  /orders/<number>            the order, its tenders, its refunds, left_to_refund, lines left
    POST /orders/<number>/refunds    {"amount": n | null, "lines": {"<sku>": qty}, "reason": ..., "to": ...,
                                      "manager_pin": ...}  (a refund is a manager's action)

A refund goes back to the tenders the sale was paid with (card parts to their PaymentIntents,
cash out of the drawer: payments/tender_refunds.py), or all in cash with "to": "cash". It answers
the refund rows it made, one per tender. An Idempotency-Key header makes a retry after a lost
answer return the refund it made, once (RefundService keeps the key on the refund's first row).
Bad input answers 400 naming the field and changes nothing; a refund that can't be made now
(more than is left, no open shift for cash, the card processor refused it) answers 409.
"""

from __future__ import annotations

import json

from flask import Blueprint, jsonify
from werkzeug.exceptions import NotFound

from pos_app.domain.cart import MAX_QTY
from pos_app.domain.order import Order
from pos_app.domain.refunds import left_to_refund, units_refunded
from pos_app.payments.refunding import REFUND_REASONS
from pos_app.store import RefundRecord, Store
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import idempotency_key, json_body, order_json, tender_json
from pos_app.web.session_api import manager_pin

bp = Blueprint("refunds", __name__)

MAX_AMOUNT = 10**9  # as the tenders' routes: larger than any sale
FIELDS = frozenset({"amount", "lines", "reason", "to"})
DESTINATIONS = {"tenders": False, "cash": True}  # "to" -> to_cash


@bp.get("/orders/<number>")
def order(number: str):
    store = context.local().store
    return jsonify(order_refunds_json(store, _order(store, number)))


@bp.post("/orders/<number>/refunds")
def refund(number: str):
    body = json_body()
    pin = manager_pin(body)
    key = idempotency_key()
    store = context.local().store
    found = _order(store, number)
    amount, lines, reason, to_cash = _refund_request(body, found)
    first = context.checkout().refund(found.id or 0, amount, reason, lines, to_cash=to_cash, request_key=key,
                                      manager_pin=pin)
    rows = context.checkout().refunds.refund_group(first)
    now = store.orders.get(found.id or 0) or found
    return jsonify({"order": now.number, "refunds": [refund_json(store, now, r) for r in rows],
                    "left_to_refund": left_to_refund(now, store.orders.refunds_for(now.id or 0))})


def order_refunds_json(store: Store, found: Order) -> dict:
    refunds = store.orders.refunds_for(found.id or 0)
    returned = units_refunded(refunds)
    return {"order": order_json(found),
            "tenders": [tender_json(t) for t in store.tenders.for_order(found.id or 0) if t.paid],
            "refunds": [refund_json(store, found, r) for r in refunds],
            "left_to_refund": left_to_refund(found, refunds),
            "lines": [{"sku": line.sku, "name": line.name, "qty": line.qty, "refunded": returned[line.sku],
                       "left": line.qty - returned[line.sku]} for line in found.lines]}


def refund_json(store: Store, found: Order, record: RefundRecord) -> dict:
    """A refund row: where it went ("cash" out of the drawer, or "card": its tender and PaymentIntent)."""
    tender = store.tenders.get(record.tender_id) if record.tender_id is not None else None
    to_card = not record.out_of_drawer
    return {"id": record.id, "group": record.group, "seq": record.seq, "amount": record.amount,
            "currency": record.currency, "status": record.status.value, "reason": record.reason,
            "to": "card" if to_card else "cash",
            "tender": None if tender is None else {"type": tender.kind.value, "part": tender.part},
            "payment_intent": (tender.payment_intent if tender is not None else found.payment_intent)
            if to_card else None,
            "refund_id": record.refund_id, "failure_reason": record.failure_reason,
            "lines": record.lines, "created_at": record.created_at}


def _order(store: Store, number: str) -> Order:
    found = store.orders.by_number(number) if number.isascii() and len(number) <= 16 else None
    if found is None or found.id is None:
        raise NotFound(f"there is no order {number!r}")
    return found


def _refund_request(body: dict, found: Order) -> tuple[int | None, list[tuple[str, int]] | None, str | None, bool]:
    """(amount, lines, reason, to_cash) from the body; BadRequestBody naming the field."""
    unknown = set(body) - FIELDS
    if unknown:
        raise BadRequestBody(f"unknown field(s): {', '.join(sorted(unknown))}; send amount, lines, reason, to")
    amount = body.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)
                               or not 1 <= amount <= MAX_AMOUNT):
        raise BadRequestBody(f"amount must be a whole number of minor units from 1 to {MAX_AMOUNT}, or null")
    reason = body.get("reason", "requested_by_customer")
    if reason is not None and reason not in REFUND_REASONS:
        raise BadRequestBody(f"reason must be one of {', '.join(sorted(REFUND_REASONS))}, or null")
    to = body.get("to", "tenders")
    if not isinstance(to, str) or to not in DESTINATIONS:
        raise BadRequestBody('to must be "tenders" (back to the tenders the sale was paid with) or "cash"')
    return amount, _lines(body.get("lines"), found), reason, DESTINATIONS[to]


def _lines(value: object, found: Order) -> list[tuple[str, int]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise BadRequestBody('lines must be an object of "<sku>": qty with at least one line')
    skus = {line.sku for line in found.lines}
    lines = []
    for sku, qty in value.items():
        where = f"lines[{json.dumps(sku)}]"
        if sku not in skus:
            raise BadRequestBody(f"{where}: order {found.number} has no such line")
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY:
            raise BadRequestBody(f"{where} must be a whole number from 1 to {MAX_QTY}, got {json.dumps(qty)}")
        lines.append((sku, qty))
    return lines
