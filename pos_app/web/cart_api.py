"""The seed's cart API: GET/POST /cart, plus per-line PUT/DELETE /cart/items/<sku>."""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.domain.cart import UnknownSku
from pos_app.store import CartFrozen
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import (
    cart_json, cart_line_json, cart_lines_from_body, json_body, last_sale_json, qty_field, tenders_progress_json,
)
from pos_app.web.session_api import manager_pin

bp = Blueprint("cart", __name__)


def _carts():
    return context.local().carts


def _check_not_paying() -> None:
    # The cart service refuses changes to a frozen cart too; this also covers the moment between
    # creating an intent and the ledger freezing the cart.
    if context.checkout().in_flight:
        raise CartFrozen("a payment is in progress for this cart: finish or cancel it first")


def _after_change(before: int, snapshot):
    """Emptying the cart voided it: cancel its open payments now (this is a werkzeug thread, so the
    card processor may be called; trouble is logged and the next charge or reconcile retries)."""
    if snapshot.cart_id != before:
        context.checkout().close_voided()
    return snapshot


@bp.get("/cart")
def get_cart():
    """The seed's cart, plus what the customer display shows of the sale's tenders (payloads.py)."""
    snapshot = _carts().snapshot()
    checkout = context.checkout()
    sale = checkout.sale_tenders() if snapshot.frozen else None  # a live tender keeps the cart frozen
    last_sale = checkout.completed_sale(snapshot)
    return jsonify(cart_json(snapshot) | tenders_progress_json(sale) | last_sale_json(last_sale))


@bp.post("/cart")
def replace_cart():
    """No lines for a cart that has some is a clear: a manager's action ({"manager_pin"} approves)."""
    body = json_body()
    pin = manager_pin(body)
    lines = cart_lines_from_body(body)
    _check_not_paying()
    before = _carts().cart_id
    return jsonify(cart_json(_after_change(before, _carts().replace(lines, manager_pin=pin))))


@bp.put("/cart/items/<sku>")
def set_line(sku: str):
    body = json_body()
    if "qty" not in body:
        raise BadRequestBody('the body must be {"qty": n}')
    qty = qty_field(body["qty"], "qty")
    _check_not_paying()
    before = _carts().cart_id
    return jsonify(cart_line_json(_after_change(before, _carts().set_qty(sku, qty)), sku))


@bp.delete("/cart/items/<sku>")
def delete_line(sku: str):
    carts = _carts()
    if carts.item(sku) is None:
        raise UnknownSku(sku)
    _check_not_paying()
    before = carts.cart_id
    return jsonify(cart_line_json(_after_change(before, carts.remove(sku)), sku))

