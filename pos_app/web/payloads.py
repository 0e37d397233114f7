"""The JSON shapes the endpoint answers with, and the checks on the JSON it accepts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import request

from pos_app.domain.cart import MAX_QTY
from pos_app.domain.order import Order
from pos_app.payments.tender_sale import CompletedSale, SaleTenders
from pos_app.store.cart_snapshot import CartSnapshot
from pos_app.store.tenders import Tender
from pos_app.web.errors import BadRequestBody


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def json_body() -> dict:
    """The request body as a JSON object; BadRequestBody (400) for anything else."""
    if request.mimetype != "application/json":
        raise BadRequestBody("send a JSON body with Content-Type: application/json")
    raw = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH, chunked or not
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequestBody("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequestBody("the body must be a JSON object")
    try:  # JSON's \ud800 escapes give lone surrogates, which no database or page can store
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequestBody("the body holds text that is not valid Unicode (a lone surrogate such as "
                             "\\ud800)") from None
    return body


MAX_IDEMPOTENCY_KEY = 255  # as Stripe


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header (as Stripe's: at most 255 characters), or None."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise BadRequestBody(f"the Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY} characters")
    return key


def limit_arg(default: int, maximum: int) -> int:
    """?limit=N: ASCII digits 1..maximum (str.isdigit() also says yes to '²' and '١٢', and int() of
    5,000 digits raises); BadRequestBody otherwise."""
    text = request.args.get("limit", str(default))
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= maximum):
        raise BadRequestBody(f"limit must be a whole number from 1 to {maximum}")
    return int(text)


def qty_field(value: object, where: str) -> int:
    # JSON integers only: true, 2.0 and "2" are refused (the domain would refuse them too, but
    # naming the field here makes a better message).
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QTY:
        raise BadRequestBody(f"{where} must be a whole number from 0 to {MAX_QTY}, got {json.dumps(value)}")
    return value


def cart_lines_from_body(body: dict) -> dict[str, int]:
    """POST /cart's {"items": {sku: {"qty": n, ...}}} -> {sku: n}. Other fields are ignored
    (a seed client echoes the whole cart back, with prices, uuid and totals)."""
    items = body.get("items")
    if not isinstance(items, dict):
        raise BadRequestBody('"items" must be an object of sku -> {"qty": n}')
    lines: dict[str, int] = {}
    for sku, line in items.items():
        if not isinstance(line, dict) or "qty" not in line:
            raise BadRequestBody(f'items[{json.dumps(sku)}] must be an object with a "qty"')
        lines[sku] = qty_field(line["qty"], f"items[{json.dumps(sku)}].qty")
    return lines


def cart_json(snapshot: CartSnapshot) -> dict:
    totals = snapshot.totals
    terms = line_terms_json(snapshot)
    return {
        "items": {line.sku: {"price": line.unit_price.amount, "qty": line.qty, "name": line.name,
                             "line_total": line.line_total.amount, **terms.get(line.sku, {})}
                  for line in totals.lines},
        **order_terms_json(snapshot),
        "uuid": snapshot.uuid,
        "currency": totals.currency,
        "subtotal": totals.subtotal.amount,
        "tax": totals.tax.amount,
        "total": totals.total.amount,
        "frozen": snapshot.frozen,
        "in_doubt": snapshot.in_doubt,
    }


def line_terms_json(snapshot: CartSnapshot) -> dict[str, dict]:
    """GET /cart's per-line "gross", "discount" ({"amount", "line", "order_share", "kind", "value", "reason"}
    when it has one, else 0) and "override" ({"unit_price", "list_price", "reason"} or None): only while
    the cart has a discount or an override (a cart without keeps the seed's shape exactly)."""
    if snapshot.priced is None:
        return {}
    found = {}
    for line in snapshot.sold_lines():
        term = snapshot.terms.get(line.sku)
        own = term.discount if term is not None else None
        discount: dict | int = 0
        if line.discount:
            discount = {"amount": line.discount, "line": line.line_discount, "order_share": line.order_share,
                        **(own.to_dict() if own is not None else {})}
        override = None
        if line.list_price is not None:
            override = {"unit_price": line.unit_price, "list_price": line.list_price, "reason": line.override_reason}
        found[line.sku] = {"gross": line.gross, "discount": discount, "override": override}
    return found


def order_terms_json(snapshot: CartSnapshot) -> dict:
    """GET /cart's "gross" (before discounts), "discount" (every discount together) and "order_discount"."""
    priced = snapshot.priced
    if priced is None:
        return {}
    order = snapshot.sold_order_discount()
    return {"gross": priced.gross.amount, "discount": priced.discount.amount,
            "order_discount": None if order is None else {"kind": order.kind, "value": order.value,
                                                          "reason": order.reason, "amount": order.amount}}


def tenders_progress_json(sale: SaleTenders | None) -> dict:
    """GET /cart's "tenders" while the sale's tenders are live: what is paid and what is left."""
    if sale is None or not sale.started:
        return {}
    return {"tenders": {"paid": sale.paid, "remaining": sale.remaining, "cash_due": sale.cash_due}}


def last_sale_json(sale: CompletedSale | None) -> dict:
    """GET /cart's "last_sale" while the next cart is empty after a sale paid (partly) in cash:
    the cash handed over and the change due, for the customer display."""
    if sale is None or not sale.paid_in_cash:
        return {}
    return {"last_sale": {"number": sale.order.number, "total": sale.order.total, "tendered": sale.tendered,
                          "change": sale.change, "currency": sale.order.currency}}


def cart_line_json(snapshot: CartSnapshot, sku: str) -> dict:
    """A per-line answer: that line and the totals, not every line (its cost doesn't grow with the cart:
    the snapshot's summary is kept up to date line by line, and no other line is priced)."""
    line = snapshot.line(sku)
    totals = snapshot.summary
    return {
        "sku": sku,
        "line": None if line is None else {"price": line.unit_price.amount, "qty": line.qty, "name": line.name,
                                           "line_total": line.line_total.amount},
        "uuid": snapshot.uuid,
        "currency": totals.currency,
        "subtotal": totals.subtotal.amount,
        "tax": totals.tax.amount,
        "total": totals.total.amount,
        "lines": len(snapshot.lines),
        "frozen": snapshot.frozen,
        "in_doubt": snapshot.in_doubt,
    }


def payment_json(payment) -> dict:
    """What a client needs to confirm a payment: never the secret key."""
    return {
        "payment_intent": payment.payment_intent,
        "client_secret": payment.client_secret,
        "publishable_key": payment.publishable_key,
        "amount": payment.amount,
        "currency": payment.currency,
        "cart_uuid": payment.cart_uuid,
    }


def tender_json(tender: Tender) -> dict:
    """A tender as the API and the tester kit show it: {"type", "amount", "status", ...}."""
    return {"type": tender.kind.value, "part": tender.part, "status": tender.status.value, "amount": tender.amount,
            "currency": tender.currency, "tendered": tender.tendered, "change": tender.change,
            "payment_intent": tender.payment_intent, "card_brand": tender.card_brand,
            "card_last4": tender.card_last4, "order": tender.order_id,
            **({"reader": tender.reader_id, "tip": tender.tip} if tender.card_present else {})}


def order_json(order: Order) -> dict:
    return {
        "number": order.number,
        "payment_intent": order.payment_intent,
        "amount": order.total,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "tax": order.tax,
        "total": order.total,
        "refunded": order.refunded,
        "lines": [{"sku": l.sku, "name": l.name, "qty": l.qty, "unit_price": l.unit_price,
                   "line_total": l.line_total} for l in order.lines],
        "card_brand": order.card_brand,
        "card_last4": order.card_last4,
        "cart_uuid": order.cart_uuid,
        "created_at": order.created_at,
        "time": datetime.fromtimestamp(order.created_at, UTC).isoformat().replace("+00:00", "Z"),
    }
