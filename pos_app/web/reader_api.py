"""The card reader over HTTP: charge the sale (or a part) on this till's reader, follow it, cancel it.

    POST /tenders/reader         {"amount": n}  send a card part (omitted or null: all that is left) to
                                                the reader; answers when the reader waits for the card
    GET  /tenders/reader                        one look at it: {"outcome": waiting | approved |
                                                declined | cancelled | failed, "message", "order"?,
                                                "remaining"?} (the till polls the same way)
    POST /tenders/reader/cancel                 the reader stops collecting (a payment made meanwhile
                                                is recorded: "approved")

The order is recorded only once the processor reports the PaymentIntent succeeded. A client polls
GET about once a second. A till without a reader, or a reader that is offline or busy, answers 409.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.payments.reader_parts import ReaderPayment, ReaderProgress
from pos_app.web import context
from pos_app.web.payloads import json_body, order_json
from pos_app.web.tenders_api import _amount

bp = Blueprint("reader", __name__)


def reader_payment_json(payment: ReaderPayment) -> dict:
    return {"payment_intent": payment.payment_intent, "reader": payment.reader_id, "part": payment.part,
            "amount": payment.amount, "currency": payment.currency, "tips": payment.tips, "outcome": "waiting"}


def progress_json(progress: ReaderProgress) -> dict:
    data: dict = {"outcome": str(progress.outcome), "message": progress.message}
    if progress.order is not None:
        data["order"] = order_json(progress.order)
    if progress.paid is not None:
        data["remaining"] = progress.paid.remaining
    return data


@bp.post("/tenders/reader")
def charge():
    amount = _amount(json_body(), "amount", least=1)
    return jsonify(reader_payment_json(context.checkout().charge_on_reader(amount)))


@bp.get("/tenders/reader")
def follow():
    return jsonify(progress_json(context.checkout().follow_reader()))


@bp.post("/tenders/reader/cancel")
def cancel():
    return jsonify(progress_json(context.checkout().cancel_on_reader()))
