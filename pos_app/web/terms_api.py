"""Discounts, price overrides and open prices on the active cart over HTTP (CartTerms: the manager's check is there).

- POST   /cart/discount                {"percent": "12.5" | "amount": 250, "reason", "sku"?, "manager_pin"?}
- DELETE /cart/discount                the order discount off;  DELETE /cart/lines/<sku>/discount: a line's
- POST   /cart/lines/<sku>/price       {"unit_price": 450, "reason", "manager_pin"?}
- DELETE /cart/lines/<sku>/price       back to the catalogue's price
- POST   /cart/open-price              {"sku", "unit_price", "qty"?}: an open-price item with its typed price

Percentages are decimal strings (never floats), amounts integers in minor units. Each answers the
cart (GET /cart's shape); a manager-only action without a manager's PIN answers 403
{"error": {"code": "approval_required", "message", "action"}}, nobody logged in 401
{"error": {"code": "login_required", ...}}, a wrong PIN 403 {"error": {"code": "pin_refused", ...}}.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.domain.discounts import Discount, DiscountKind
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import cart_json, json_body

bp = Blueprint("terms", __name__)


def _terms():
    return context.local().terms


def _answer():
    return jsonify(cart_json(context.local().carts.snapshot()))


def _pin(body: dict) -> str | None:
    pin = body.get("manager_pin")
    if pin is not None and not isinstance(pin, str):
        raise BadRequestBody('"manager_pin" is a string of digits')
    return pin


def _minor_units(body: dict, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequestBody(f'"{name}" must be a whole number of minor units (e.g. 250 for 2.50)')
    return value


def _discount(body: dict) -> Discount:
    from pos_app.selling import percent_to_bp
    if ("percent" in body) == ("amount" in body):
        raise BadRequestBody('give one of "percent" (a string such as "12.5") or "amount" (minor units)')
    reason = body.get("reason", "")
    if "percent" in body:
        return Discount(DiscountKind.PERCENT, percent_to_bp(body["percent"]), reason)
    return Discount(DiscountKind.AMOUNT, _minor_units(body, "amount"), reason)


@bp.post("/cart/discount")
def give_discount():
    body = json_body()
    sku = body.get("sku")
    if sku is not None and not isinstance(sku, str):
        raise BadRequestBody('"sku" is a string (leave it out for a discount off the whole sale)')
    _terms().discount(_discount(body), sku=sku, manager_pin=_pin(body))
    return _answer()


@bp.delete("/cart/discount")
def remove_order_discount():
    _terms().remove_discount()
    return _answer()


@bp.delete("/cart/lines/<sku>/discount")
def remove_line_discount(sku: str):
    _terms().remove_discount(sku=sku)
    return _answer()


@bp.post("/cart/lines/<sku>/price")
def override_price(sku: str):
    body = json_body()
    _terms().override_price(sku, _minor_units(body, "unit_price"), body.get("reason", ""), manager_pin=_pin(body))
    return _answer()


@bp.delete("/cart/lines/<sku>/price")
def remove_override(sku: str):
    _terms().remove_override(sku)
    return _answer()


@bp.post("/cart/open-price")
def add_open_price():
    body = json_body()
    sku, qty = body.get("sku"), body.get("qty", 1)
    if not isinstance(sku, str):
        raise BadRequestBody('"sku" is the open-price item\'s sku')
    if isinstance(qty, bool) or not isinstance(qty, int):
        raise BadRequestBody('"qty" is a whole number')
    _terms().add_open_price(sku, _minor_units(body, "unit_price"), qty)
    return _answer()
