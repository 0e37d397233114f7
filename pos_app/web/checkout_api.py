"""Payments over HTTP: create the PaymentIntent, finalize, abandon, and the order history."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify

from pos_app.payments.tendering import PartPaid
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import cart_json, json_body, limit_arg, order_json, payment_json, tender_json

bp = Blueprint("checkout", __name__)

PI_ID = re.compile(r"pi_[A-Za-z0-9]{1,200}")
MAX_ORDERS = 200


@bp.post("/create-payment-intent")
def create_payment_intent():
    # The body is ignored: price and currency come from the catalogue and the store's settings.
    return jsonify(payment_json(context.checkout().prepare()))


@bp.post("/checkout/complete")
def complete():
    pi = json_body().get("payment_intent")
    if not isinstance(pi, str) or not PI_ID.fullmatch(pi):
        raise BadRequestBody('the body must be {"payment_intent": "pi_..."}')
    outcome = context.checkout().finalize(pi)
    if isinstance(outcome, PartPaid):  # a card part of a split sale: the rest is still due
        return jsonify({"order": None, "tender": tender_json(outcome.tender), "remaining": outcome.remaining})
    return jsonify({"order": order_json(outcome)})


@bp.post("/checkout/abandon")
def abandon():
    # If the customer had in fact paid, the service records the sale instead of abandoning it.
    order = context.checkout().abandon()
    return jsonify({"abandoned": order is None, "order": None if order is None else order_json(order),
                    "cart": cart_json(context.local().carts.snapshot())})


@bp.get("/orders")
def orders():
    recent = context.local().store.orders.recent(limit=limit_arg(50, MAX_ORDERS))
    return jsonify({"orders": [order_json(o) for o in recent]})
