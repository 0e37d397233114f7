"""The cash office over HTTP: open a shift, its status and X, paid in / paid out / drops, the blind close.

Amounts are JSON integers in minor units of the shop's currency, as everywhere on the endpoint.
The close is blind by its shape: the count goes in, the Z (expected, counted, over/short) comes
out, and while a count is under way (the till's window started one) the X is refused.
"""

from __future__ import annotations

import json

from flask import Blueprint, jsonify

from pos_app.cash_office import ShiftReport, ShiftService
from pos_app.domain.money import Money
from pos_app.store.cash_office import CashRecord, Shift
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import json_body
from pos_app.web.session_api import manager_pin

bp = Blueprint("shifts", __name__)

MAX_AMOUNT = 10 ** 12  # minor units: far past any drawer


def _shifts() -> ShiftService:
    return context.local().shifts


def _amount(body: dict, field: str) -> Money:
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise BadRequestBody(f'"{field}" must be a whole number of minor units from 0 to {MAX_AMOUNT}, '
                             f"got {json.dumps(value)}")
    return Money(value, _shifts().currency)


def _reason(body: dict) -> str:
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise BadRequestBody(f'"reason" must be text, got {json.dumps(reason)}')
    return reason


def shift_json(shift: Shift | None) -> dict | None:
    if shift is None:
        return None
    return {"number": shift.number, "terminal_id": shift.terminal_id, "currency": shift.currency,
            "opened_at": shift.opened_at, "float": shift.float_amount, "open": shift.open,
            "closed_at": shift.closed_at}


def movement_json(record: CashRecord) -> dict:
    return {"kind": str(record.movement.kind), "amount": record.movement.amount, "currency": record.currency,
            "reason": record.reason, "created_at": record.created_at}


def report_json(report: ShiftReport) -> dict:
    return report.to_dict()


@bp.get("/shift")
def status():
    shifts = _shifts()
    return jsonify({"shift": shift_json(shifts.current()), "counting": shifts.counting})


@bp.post("/shift/open")
def open_shift():
    shift = _shifts().open(_amount(json_body(), "float"))
    return jsonify({"shift": shift_json(shift)})


@bp.get("/shift/x")
def x_report():
    return jsonify({"report": report_json(_shifts().x_report())})


@bp.post("/shift/<any('paid-in', 'paid-out', 'drop'):step>")
def cash_step(step: str):
    """A paid in, paid out or drop: the same body ({"amount", "reason"}), one service step each."""
    shifts, body = _shifts(), json_body()
    move = {"paid-in": shifts.paid_in, "paid-out": shifts.paid_out, "drop": shifts.drop}[step]
    return jsonify({"movement": movement_json(move(_amount(body, "amount"), _reason(body)))})


@bp.post("/shift/close")
def close():
    """A manager's action: {"counted", "manager_pin"} approves a cashier's."""
    body = json_body()
    pin = manager_pin(body)
    return jsonify({"report": report_json(_shifts().close(_amount(body, "counted"), manager_pin=pin))})


@bp.get("/shifts/<int(min=1, max=999999999):number>/report")
def report(number: int):
    return jsonify({"report": report_json(_shifts().report(number))})
