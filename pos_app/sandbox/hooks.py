"""Pages a customer's browser opens outside Stripe.js: the 3-D Secure redirect and card receipts.

Like hooks.stripe.com and pay.stripe.com, they need no API key: each URL carries a random token
of its own (given only in the PaymentIntent's next_action or the charge's receipt_url). The
redirect page completes or fails the challenge and sends the browser back to the confirm's
return_url with Stripe's query parameters (payment_intent, payment_intent_client_secret,
redirect_status).
"""

from __future__ import annotations

import hmac
import html
from urllib.parse import urlencode, urlsplit

import flask
import werkzeug

from pos_app.sandbox import charging
from pos_app.sandbox.calls import Call
from pos_app.sandbox.keys import Caller
from pos_app.sandbox.validation import format_amount

hooks_blueprint = flask.Blueprint("sandbox_hooks", __name__)

_PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {return_origin}; "
             "frame-ancestors 'none'; base-uri 'none'")
_REDIRECT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>3D Secure test payment</title></head><body style="font-family:sans-serif;margin:2em">
<h1>3D Secure 2 test page (training sandbox)</h1>
<p>Payment of {amount}.</p>
<form method="post"><button name="result" value="complete" id="complete">Complete</button>
<button name="result" value="fail" id="fail">Fail</button></form></body></html>"""
_RECEIPT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Receipt</title></head><body style="font-family:sans-serif;margin:2em">
<h1>Receipt (training sandbox)</h1><p>Amount paid: {amount}</p><p>Card: {brand} •••• {last4}</p>
<p>Charge: {charge}</p><p>Refunded: {refunded}</p></body></html>"""


def _state():
    return flask.current_app.extensions["pos_sandbox_state"]


@hooks_blueprint.route("/_sandbox/3ds/redirect/<pi_id>/<token>", methods=["GET", "POST"])
def three_d_secure_redirect(pi_id: str, token: str) -> werkzeug.Response:  # flask.redirect gives werkzeug's
    state = _state()
    pi = state.get("payment_intent", pi_id)
    if pi is None or not hmac.compare_digest(pi.get("_redirect_token", ""), token):
        flask.abort(404)
    return_url = pi["_return_url"]
    headers = {"Content-Security-Policy": _PAGE_CSP.format(return_origin=_origin(return_url)),
               "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    if flask.request.method == "GET":
        if pi["status"] != "requires_action":
            return flask.redirect(_back(return_url, pi), 303)
        page = _REDIRECT_PAGE.format(amount=html.escape(format_amount(pi["amount"], pi["currency"])))
        return flask.Response(page, content_type="text/html; charset=utf-8", headers=headers)
    result = flask.request.form.get("result")
    if result not in ("complete", "fail"):
        flask.abort(400)
    with state.transaction():
        pi = state.get("payment_intent", pi_id)
        if pi["status"] == "requires_action":
            call = Call(state=state, caller=Caller("secret", ""), base_url=flask.request.host_url.rstrip("/"))
            pi.pop("_redirect_token", None)
            charging.three_d_secure_result(call, pi, result)
    return flask.redirect(_back(return_url, state.get("payment_intent", pi_id)), 303)


@hooks_blueprint.get("/receipts/payment/<charge_id>/<token>")
def receipt(charge_id: str, token: str) -> flask.Response:
    charge = _state().get("charge", charge_id)
    if charge is None or not hmac.compare_digest(charge.get("_receipt_token", ""), token):
        flask.abort(404)
    details = charge["payment_method_details"]
    card = details[details["type"]]  # card, or card_present / interac_present from a reader
    page = _RECEIPT_PAGE.format(
        amount=html.escape(format_amount(charge["amount_captured"], charge["currency"])),
        brand=html.escape(card["brand"]), last4=html.escape(card["last4"]),
        charge=html.escape(charge_id),
        refunded=html.escape(format_amount(charge["amount_refunded"], charge["currency"])))
    return flask.Response(page, content_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Cache-Control": "no-store"})


def _back(return_url: str, pi: dict) -> str:
    status = "succeeded" if pi["status"] in ("succeeded", "requires_capture") else "failed"
    joiner = "&" if urlsplit(return_url).query else "?"
    return return_url + joiner + urlencode({"payment_intent": pi["id"],
                                            "payment_intent_client_secret": pi["client_secret"],
                                            "redirect_status": status})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""
