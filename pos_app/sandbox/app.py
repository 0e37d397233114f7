"""The sandbox's Flask app: Stripe's /v1 wire format over SandboxState.

Every /v1 request goes through `_serve`: key check, form decoding, Idempotency-Key claim, schema
check, then the handler inside one state transaction (its objects and the saved idempotent
response are written together).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

import flask
from werkzeug.exceptions import HTTPException

from pos_app.sandbox import auth, payment_intents, payment_methods, refunds
from pos_app.sandbox.calls import Call
from pos_app.sandbox.errors import StripeError, api_error, invalid_request
from pos_app.sandbox.forms import Field, check, decode_form
from pos_app.sandbox.idempotency import SavedResponse
from pos_app.sandbox.state import SandboxState, random_token

try:
    from pos_app.sandbox.stripejs import stripejs_blueprint
except ImportError:
    stripejs_blueprint = None

log = logging.getLogger(__name__)

API_VERSION = "2025-03-31.basil"
#: Fields Stripe.js adds to its calls; Stripe ignores them, so the sandbox does too.
STRIPE_JS_FIELDS = ("key", "_stripe_version", "_stripe_account", "payment_user_agent", "muid",
                    "guid", "sid", "time_on_page", "referrer", "client_attribution_metadata")
CORS_PREFIXES = ("/v1/", "/_sandbox/")


@dataclass(frozen=True)
class Endpoint:
    rule: str
    method: str
    handler: Callable[..., tuple[int, dict]]
    schema: dict[str, Field]
    publishable: bool = False


ENDPOINTS = (
    Endpoint("/v1/payment_intents", "POST", payment_intents.create, payment_intents.CREATE),
    Endpoint("/v1/payment_intents", "GET", payment_intents.list_, payment_intents.LIST),
    Endpoint("/v1/payment_intents/<pi_id>", "GET", payment_intents.retrieve,
             payment_intents.RETRIEVE, publishable=True),
    Endpoint("/v1/payment_intents/<pi_id>", "POST", payment_intents.update, payment_intents.UPDATE),
    Endpoint("/v1/payment_intents/<pi_id>/confirm", "POST", payment_intents.confirm,
             payment_intents.CONFIRM, publishable=True),
    Endpoint("/v1/payment_intents/<pi_id>/cancel", "POST", payment_intents.cancel,
             payment_intents.CANCEL),
    Endpoint("/v1/payment_methods", "POST", payment_methods.create, payment_methods.CREATE,
             publishable=True),
    Endpoint("/v1/payment_methods/<pm_id>", "GET", payment_methods.retrieve,
             payment_methods.RETRIEVE),
    Endpoint("/v1/charges", "GET", refunds.list_charges, refunds.LIST),
    Endpoint("/v1/charges/<charge_id>", "GET", refunds.retrieve_charge, refunds.RETRIEVE),
    Endpoint("/v1/refunds", "POST", refunds.create, refunds.CREATE),
    Endpoint("/v1/refunds", "GET", refunds.list_, refunds.LIST),
    Endpoint("/v1/refunds/<refund_id>", "GET", refunds.retrieve, refunds.RETRIEVE),
    Endpoint("/_sandbox/3ds/<pi_id>", "POST", payment_intents.three_d_secure_result,
             payment_intents.THREE_D_SECURE_RESULT, publishable=True),
)


def create_sandbox_app(state: SandboxState) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    app.extensions["pos_sandbox_state"] = state
    for endpoint in ENDPOINTS:
        app.add_url_rule(endpoint.rule, f"{endpoint.method} {endpoint.rule}",
                         _view(state, endpoint), methods=[endpoint.method],
                         provide_automatic_options=False)
    app.before_request(_answer_preflight)
    app.after_request(_allow_cross_origin)
    app.register_error_handler(StripeError, _stripe_error_response)
    app.register_error_handler(HTTPException, _http_error_response)
    if stripejs_blueprint is not None:
        app.register_blueprint(stripejs_blueprint)
    return app


def _view(state: SandboxState, endpoint: Endpoint):
    def view(**path: str) -> flask.Response:
        return _serve(state, endpoint, path)
    view.__name__ = f"sandbox_{endpoint.method}_{endpoint.rule}"
    return view


def _serve(state: SandboxState, endpoint: Endpoint, path: dict[str, str]) -> flask.Response:
    request = flask.request
    source = request.form if request.method == "POST" else request.args
    publishable = auth.is_publishable(auth.key_from(request.headers.get("Authorization", ""),
                                                    source.get("key")))
    if publishable and not endpoint.publishable:
        raise StripeError(401, "invalid_request_error", auth.SECRET_ONLY)
    raw = decode_form(source.items(multi=True))
    for name in STRIPE_JS_FIELDS:
        raw.pop(name, None)
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    if key is None:
        status, body = _execute(state, endpoint, path, raw, publishable)
        return _response(status, body)
    state.idempotency.check_key(key)
    saved = state.idempotency.claim(key, f"{request.method} {request.path}",
                                    json.dumps(raw, sort_keys=True), state.now())
    if saved is not None:
        return _response(saved.status, saved.body, replayed=True)
    try:
        return _serve_claimed(state, endpoint, path, raw, publishable, key)
    finally:
        state.idempotency.release(key)  # no-op once saved


def _serve_claimed(state, endpoint, path, raw, publishable, key) -> flask.Response:
    with state.transaction():
        try:
            status, body = _execute(state, endpoint, path, raw, publishable)
        except StripeError as exc:
            if not exc.saved_for_idempotency:
                raise
            status, body = exc.status, exc.body()
        text = _dumps(body)
        state.idempotency.save(key, SavedResponse(
            endpoint=f"{flask.request.method} {flask.request.path}",
            params=json.dumps(raw, sort_keys=True), status=status, body=text,
            created=state.now()))
        state.mark_changed()
    return _response(status, text)


def _execute(state, endpoint, path, raw, publishable) -> tuple[int, dict]:
    with state.transaction():
        try:
            call = Call(state=state, publishable=publishable,
                        base_url=flask.request.host_url.rstrip("/"),
                        params=check(raw, endpoint.schema))
            return endpoint.handler(call, **path)
        except StripeError:
            raise
        except Exception:
            # Like Stripe's 500: answered (and saved against the key) as an api_error.
            log.exception("sandbox request failed: %s %s", flask.request.method,
                          flask.request.path)
            err = api_error()
            return err.status, err.body()


def _dumps(body: Any) -> str:
    return json.dumps(body, indent=2)


def _response(status: int, body: dict | str, replayed: bool = False) -> flask.Response:
    text = body if isinstance(body, str) else _dumps(body)
    response = flask.Response(text, status=status, mimetype="application/json")
    response.headers["Request-Id"] = f"req_{random_token(14)}"
    response.headers["Stripe-Version"] = flask.request.headers.get("Stripe-Version", API_VERSION)
    key = flask.request.headers.get("Idempotency-Key")
    if key and flask.request.method == "POST":
        response.headers["Idempotency-Key"] = key
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _stripe_error_response(exc: StripeError) -> flask.Response:
    return _response(exc.status, exc.body())


def _http_error_response(exc: HTTPException):
    request = flask.request
    if not request.path.startswith(CORS_PREFIXES):
        return exc
    if exc.code in (404, 405):
        err = invalid_request(f"Unrecognized request URL ({request.method}: {request.path}). "
                              "Please see https://stripe.com/docs or we can help at "
                              "https://support.stripe.com/.", status=404)
    else:
        err = StripeError(exc.code or 500, "invalid_request_error", exc.description or exc.name)
    return _response(err.status, err.body())


def _answer_preflight():
    request = flask.request
    if request.method == "OPTIONS" and request.path.startswith(CORS_PREFIXES):
        response = flask.Response(status=200)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE"
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers",
            "Authorization, Content-Type, Idempotency-Key, Stripe-Version")
        response.headers["Access-Control-Max-Age"] = "300"
        return response
    return None


def _allow_cross_origin(response: flask.Response) -> flask.Response:
    if flask.request.path.startswith(CORS_PREFIXES):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Request-Id, Idempotent-Replayed"
    return response
