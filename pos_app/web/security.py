"""The endpoint's guards: per-launch token, Host/Origin allow-list, CSP and other headers.

The endpoint listens on loopback only, but loopback is not a trust boundary: any web page the
machine opens can aim requests at 127.0.0.1 (cross-site requests) or at a hostile name that
resolves to it (DNS rebinding). So every request must:
- carry the per-launch token (Authorization: Bearer, or the HttpOnly cookie the page got);
- name this endpoint in Host (127.0.0.1:<port> or localhost:<port>), which defeats rebinding;
- come from this endpoint's own Origin when it sends one (browsers always do for POST/PUT/DELETE).
There is no CORS: no Access-Control-* header is ever sent, so foreign pages can't read answers.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.wrappers import Response as AnyResponse
from werkzeug.exceptions import Forbidden, ServiceUnavailable, Unauthorized

COOKIE_NAME = "pos_token"
TOKEN_QUERY = "token"
JS_STRIPE_ORIGIN = "https://js.stripe.com"
#: Where the embedded pages may take their token from the URL (and swap it for the cookie).
TOKEN_LANDING_PATHS = frozenset({"/checkout", "/display"})


def endpoint_origins(app: Flask) -> frozenset[str]:
    """The two spellings of this endpoint's origin, e.g. http://127.0.0.1:5123 and http://localhost:5123."""
    url = app.config.get("ENDPOINT_URL")
    if not url:
        return frozenset()
    parts = urlsplit(url)
    return frozenset({f"{parts.scheme}://127.0.0.1:{parts.port}", f"{parts.scheme}://localhost:{parts.port}"})


def token_matches(given: str | None) -> bool:
    expected = current_app.config["TOKEN"]
    if not given or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def check_request() -> None:
    """before_request: Host, Origin, Sec-Fetch-Site, then the token. Raises 403/401/503."""
    origins = endpoint_origins(current_app)
    if not origins:
        # Bound but not yet told its own address (a moment at start-up): fail closed.
        raise ServiceUnavailable("the endpoint is starting; try again")
    host = request.host.lower()
    if f"{request.scheme}://{host}" not in origins:
        raise Forbidden("this endpoint answers only to 127.0.0.1 and localhost on its own port")
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() not in origins:
        raise Forbidden("cross-origin requests are refused")
    # Fetch metadata: a browser tells us when another site made the request (defence in depth
    # for GETs, which carry no Origin).
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        raise Forbidden("cross-site requests are refused")
    if token_matches(bearer_token()) or token_matches(request.cookies.get(COOKIE_NAME)):
        return
    if request.method == "GET" and request.path in TOKEN_LANDING_PATHS and TOKEN_QUERY in request.args:
        return  # the page view itself checks the query token and swaps it for the cookie
    raise Unauthorized("a valid token is required (Authorization: Bearer <token>)")


def content_security_policy(stripe_js_origin: str) -> str:
    """CSP for every answer. stripe_js_origin is https://js.stripe.com, or the sandbox's origin."""
    if stripe_js_origin == JS_STRIPE_ORIGIN:
        frames = "https://js.stripe.com https://hooks.stripe.com"
        connect = "'self' https://api.stripe.com"
    else:
        frames = stripe_js_origin
        connect = f"'self' {stripe_js_origin}"
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {stripe_js_origin}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"frame-src {frames}",
        f"connect-src {connect}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = current_app.config["CSP"]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # The first page URL carries the token: never let it leak through a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def set_token_cookie(response: AnyResponse) -> None:  # flask's redirect() gives werkzeug's Response
    response.set_cookie(COOKIE_NAME, current_app.config["TOKEN"], httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
