"""The sandbox's browser half: a Stripe.js lookalike at /v3/ and the pages it frames.

Like js.stripe.com, the sandbox serves the script, the card Element's inner frame, a hidden
controller frame and the 3-D Secure test challenge from its own origin, so the embedding page
(on another origin) never sees card data. The files live in resources/sandbox/; this module only
maps URLs to them and adds the headers. Only an allow-listed set of files is served.

Secrets never travel in these URLs' paths or queries: frames get their parameters (frame id,
publishable key, client secret) in the URL fragment, which browsers do not send to the server.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request

from pos_app.resources import resource_path

stripejs_blueprint = Blueprint("stripejs", __name__)

_JS = "application/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_HTML = "text/html; charset=utf-8"

# URL name under /v3/ -> (file in resources/sandbox/, content type)
_ASSETS = {
    "frame-common.js": ("frame-common.js", _JS),
    "elements-inner-card.html": ("elements-inner-card.html", _HTML),
    "elements-inner-card.js": ("elements-inner-card.js", _JS),
    "elements-inner-card.css": ("elements-inner-card.css", _CSS),
    "controller.html": ("controller.html", _HTML),
    "controller.js": ("controller.js", _JS),
    "three-d-secure-challenge.js": ("three-d-secure-challenge.js", _JS),
    "three-d-secure-challenge.css": ("three-d-secure-challenge.css", _CSS),
}

# Any page may frame Stripe's frames; nothing else is allowed in or out of ours.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'; "
            "object-src 'none'")

_INTENT_ID = re.compile(r"^pi_[A-Za-z0-9]+$")


@stripejs_blueprint.get("/v3/")
def stripe_js() -> Response:
    response = _file_response("stripe.js", _JS)
    # Like js.stripe.com: any page may load the script, also with crossorigin="anonymous".
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@stripejs_blueprint.get("/v3/<name>")
def asset(name: str) -> Response:
    if name not in _ASSETS:
        abort(404)
    filename, content_type = _ASSETS[name]
    return _file_response(filename, content_type)


@stripejs_blueprint.get("/v3/3ds/challenge")
def three_d_secure_challenge() -> Response:
    if not _INTENT_ID.match(request.args.get("payment_intent", "")):
        abort(400)
    return _file_response("three-d-secure-challenge.html", _HTML)


def _file_response(filename: str, content_type: str) -> Response:
    body = resource_path("sandbox", filename).read_bytes()
    response = Response(body, content_type=content_type)
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    # Training builds change with the app; never let a cached copy mask a new one.
    headers["Cache-Control"] = "no-store"
    if content_type == _HTML:
        headers["Content-Security-Policy"] = PAGE_CSP
    return response
