"""The drawer over HTTP: its openings (for testers and managers) and the no-sale opening."""

from __future__ import annotations

from flask import Blueprint, jsonify

from pos_app.devices import drawer_event, no_sale
from pos_app.web import context
from pos_app.web.payloads import limit_arg
from pos_app.web.session_api import manager_pin, optional_body

bp = Blueprint("devices", __name__)

MAX_OPENINGS = 500


@bp.get("/drawer/openings")
def openings():
    store = context.local().store
    recent = store.drawer.all(limit=limit_arg(100, MAX_OPENINGS))
    return jsonify({"openings": [drawer_event(o, store.orders) for o in recent]})


@bp.post("/drawer/no-sale")
def open_for_no_sale():
    # A manager's action ({"manager_pin"} approves a cashier's); the kick is device I/O, fine on this thread.
    pin = manager_pin(optional_body())
    local = context.local()
    opening = no_sale(local.drawer, local.store.shifts, local.settings.terminal_id, local.session, manager_pin=pin)
    return jsonify({"opening": drawer_event(opening, local.store.orders)})
