"""Parked sales over HTTP (Parking: a cashier's actions, the check is there).

- POST /cart/park               {"label": "table 4"}? -> {"parked": {...}, "cart": the new, empty cart}
- GET  /parked                  -> {"parked": [...]}, newest first
- POST /parked/<id>/recall      -> the cart (GET /cart's shape), the parked sale's lines and UUID again

A parked sale is {"id", "label", "uuid", "lines": {sku: qty}, "line_count", "total", "currency",
"parked_by", "parked_at"} (unix seconds). A cart whose payment is under way, an empty cart to
park and a cart with lines to recall over answer 409; an unknown id 404; nobody logged in 401.
Parking cancels the cart's open PaymentIntent in the request (as a void does: trouble is logged
and the next charge or reconcile retries).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.store import ParkedCart
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import cart_json, json_body

bp = Blueprint("parking", __name__)


def parked_json(parked: ParkedCart, currency: str) -> dict:
    return {"id": parked.id, "label": parked.label, "uuid": parked.uuid, "lines": parked.lines,
            "line_count": parked.line_count, "total": parked.total, "currency": currency,
            "parked_by": parked.parked_by, "parked_at": parked.parked_at}


def _currency() -> str:
    return context.local().carts.pricing.currency


@bp.post("/cart/park")
def park():
    body = json_body()
    label = body.get("label")
    if label is not None and not isinstance(label, str):
        raise BadRequestBody('"label" is text such as "table 4" (leave it out for "Parked <time>")')
    parked = context.local().parking.park(label)
    context.checkout().close_voided()  # its open intent is cancelled now (this is a werkzeug thread)
    return jsonify({"parked": parked_json(parked, _currency()), "cart": cart_json(context.local().carts.snapshot())})


@bp.get("/parked")
def parked_sales():
    currency = _currency()
    return jsonify({"parked": [parked_json(p, currency) for p in context.local().parking.parked()]})


@bp.post("/parked/<int:parked_id>/recall")
def recall(parked_id: int):
    return jsonify(cart_json(context.local().parking.recall(parked_id)))
