"""Who is at the till, over HTTP: log in with a PIN, log out, and who it is now.

    POST /session/login  {"pin": "1234"}   the PIN's user is at the till: {"user": {"name", "role"}}
    POST /session/logout                   no one is (the window shows its PIN screen)
    GET  /session                          {"user": {"name", "role"} | null}

The endpoint and the window share the till's one session (LocalContext.session): a request acts
as whoever is logged in, at the window or here. A PIN is never echoed, logged or stored (the
Argon2 check runs on this werkzeug thread, never on the GUI's). Manager-only routes take an
optional "manager_pin" in their body (`manager_pin(body)`): without it a cashier's request answers
403 approval_required, naming the action; with no one logged in any selling answers 401.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from pos_app.store import User
from pos_app.web import context
from pos_app.web.errors import BadRequestBody
from pos_app.web.payloads import json_body

bp = Blueprint("session", __name__)


def user_json(user: User | None) -> dict | None:
    return None if user is None else {"name": user.name, "role": user.role.value}


@bp.get("/session")
def who():
    return jsonify({"user": user_json(context.local().session.user)})


@bp.post("/session/login")
def login():
    body = json_body()
    pin = body.get("pin")
    if set(body) != {"pin"} or not isinstance(pin, str):
        raise BadRequestBody('send {"pin": "<the user\'s PIN, as text>"}')
    return jsonify({"user": user_json(context.local().session.login(pin))})


@bp.post("/session/logout")
def logout():
    context.local().session.logout()
    return jsonify({"user": None})


def manager_pin(body: dict) -> str | None:
    """Take the optional "manager_pin" (a manager's approval of this one request) out of `body`."""
    pin = body.pop("manager_pin", None)
    if pin is not None and not isinstance(pin, str):
        raise BadRequestBody('"manager_pin" must be text (the manager\'s PIN), or left out')
    return pin


def optional_body() -> dict:
    """The JSON body of a route that needs none (POST /tenders/void, /drawer/no-sale): {} if empty."""
    return json_body() if request.get_data(cache=True) else {}
