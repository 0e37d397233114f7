"""The sandbox's Flask app: Stripe's /v1 wire format over SandboxState.

Every /v1 request goes through `_serve`: API version and key check (only this sandbox's own keys,
from the Authorization header; Stripe.js's publishable `key` field where Stripe takes one), a
restricted key's permission, form decoding, Idempotency-Key claim, schema check, then the handler
inside one state transaction (its objects and the saved idempotent response are written together;
a change that cannot be saved answers 500 and is not made). No CORS: the Stripe.js lookalike calls
the API from frames on the sandbox's own origin, so no other web page may read an answer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

import flask
from werkzeug.exceptions import HTTPException

from pos_app.sandbox import (auth, charging, control, payment_intents, payment_methods, readers,
                             refunds, search, terminal)
from pos_app.sandbox.calls import Call
from pos_app.sandbox.errors import StripeError, api_error, invalid_request
from pos_app.sandbox.faults import CREATE as FAULT_CREATE
from pos_app.sandbox.faults import ENVIRON_KEY, FaultInjector
from pos_app.sandbox.forms import Field, check, decode_form
from pos_app.sandbox.hooks import hooks_blueprint
from pos_app.sandbox.idempotency import SavedResponse
from pos_app.sandbox.state import SandboxState, StateNotSaved, random_token
from pos_app.sandbox.versions import PINNED, check_version

try:
    from pos_app.sandbox.stripejs import stripejs_blueprint
except ImportError:
    stripejs_blueprint = None

log = logging.getLogger(__name__)

API_VERSION = PINNED
#: Fields Stripe.js adds to its calls; Stripe ignores them, so the sandbox does too.
STRIPE_JS_FIELDS = ("key", "_stripe_version", "_stripe_account", "payment_user_agent", "muid",
                    "guid", "sid", "time_on_page", "referrer", "client_attribution_metadata")
API_PREFIXES = ("/v1/", "/_sandbox/")


@dataclass(frozen=True)
class Endpoint:
    rule: str
    method: str
    handler: Callable[..., tuple[int, dict]]
    schema: dict[str, Field]
    #: The restricted-key permission it needs (None: no restricted key may call it).
    resource: str | None
    publishable: bool = False

    @property
    def writes(self) -> bool:
        return self.method != "GET"


PI = "payment_intents"
READERS, LOCATIONS = "terminal_readers", "terminal_locations"
READER_PATH = "/v1/terminal/readers/<reader_id>"
ENDPOINTS = (
    Endpoint("/v1/payment_intents", "POST", payment_intents.create, payment_intents.CREATE, PI),
    Endpoint("/v1/payment_intents", "GET", payment_intents.list_, payment_intents.LIST, PI),
    Endpoint("/v1/payment_intents/search", "GET", search.search, search.SEARCH, PI),
    Endpoint("/v1/payment_intents/<pi_id>", "GET", payment_intents.retrieve,
             payment_intents.RETRIEVE, PI, publishable=True),
    Endpoint("/v1/payment_intents/<pi_id>", "POST", payment_intents.update, payment_intents.UPDATE,
             PI),
    Endpoint("/v1/payment_intents/<pi_id>/confirm", "POST", payment_intents.confirm,
             payment_intents.CONFIRM, PI, publishable=True),
    Endpoint("/v1/payment_intents/<pi_id>/cancel", "POST", payment_intents.cancel,
             payment_intents.CANCEL, PI),
    Endpoint("/v1/payment_intents/<pi_id>/capture", "POST", charging.capture, charging.CAPTURE, PI),
    Endpoint("/v1/payment_methods", "POST", payment_methods.create, payment_methods.CREATE,
             "payment_methods", publishable=True),
    Endpoint("/v1/payment_methods/<pm_id>", "GET", payment_methods.retrieve,
             payment_methods.RETRIEVE, "payment_methods"),
    Endpoint("/v1/charges", "GET", refunds.list_charges, refunds.LIST, "charges"),
    Endpoint("/v1/charges/<charge_id>", "GET", refunds.retrieve_charge, refunds.RETRIEVE,
             "charges"),
    Endpoint("/v1/refunds", "POST", refunds.create, refunds.CREATE, "refunds"),
    Endpoint("/v1/refunds", "GET", refunds.list_, refunds.LIST, "refunds"),
    Endpoint("/v1/refunds/<refund_id>", "GET", refunds.retrieve, refunds.RETRIEVE, "refunds"),
    Endpoint("/v1/balance_transactions/<txn_id>", "GET", refunds.retrieve_balance_transaction,
             refunds.RETRIEVE, "balance_transactions"),
    Endpoint("/v1/terminal/locations", "POST", terminal.create_location, terminal.LOCATION_CREATE,
             LOCATIONS),
    Endpoint("/v1/terminal/locations", "GET", terminal.list_locations, terminal.LOCATION_LIST,
             LOCATIONS),
    Endpoint("/v1/terminal/locations/<location_id>", "GET", terminal.retrieve_location,
             terminal.RETRIEVE, LOCATIONS),
    Endpoint("/v1/terminal/readers", "POST", terminal.create_reader, terminal.READER_CREATE,
             READERS),
    Endpoint("/v1/terminal/readers", "GET", terminal.list_readers, terminal.READER_LIST, READERS),
    Endpoint(READER_PATH, "GET", terminal.retrieve_reader, terminal.RETRIEVE, READERS),
    Endpoint(f"{READER_PATH}/process_payment_intent", "POST", readers.process_payment_intent,
             readers.PROCESS, READERS),
    Endpoint(f"{READER_PATH}/set_reader_display", "POST", readers.set_reader_display,
             readers.DISPLAY, READERS),
    Endpoint(f"{READER_PATH}/cancel_action", "POST", readers.cancel_action, readers.CANCEL,
             READERS),
    Endpoint(f"{READER_PATH}/refund_payment", "POST", readers.refund_payment, readers.REFUND,
             READERS),
    Endpoint("/v1/test_helpers/terminal/readers/<reader_id>/present_payment_method", "POST",
             readers.present_payment_method, readers.PRESENT, READERS),
    Endpoint("/_sandbox/3ds/<pi_id>", "POST", payment_intents.three_d_secure_result,
             payment_intents.THREE_D_SECURE_RESULT, PI, publishable=True),
    Endpoint("/_sandbox/faults", "POST", control.add_fault, FAULT_CREATE, None),
    Endpoint("/_sandbox/faults", "GET", control.list_faults, control.FAULT_LIST, None),
    Endpoint("/_sandbox/faults", "DELETE", control.clear_faults, control.FAULT_CLEAR, None),
    Endpoint("/_sandbox/restricted_keys", "POST", control.create_restricted_key,
             control.RESTRICTED_KEY_CREATE, None),
)


def create_sandbox_app(state: SandboxState) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    app.extensions["pos_sandbox_state"] = state
    for endpoint in ENDPOINTS:
        app.add_url_rule(endpoint.rule, f"{endpoint.method} {endpoint.rule}",
                         _view(state, endpoint), methods=[endpoint.method],
                         provide_automatic_options=False)
    app.register_error_handler(StripeError, _stripe_error_response)
    app.register_error_handler(StateNotSaved, _not_saved_response)
    app.register_error_handler(HTTPException, _http_error_response)
    if stripejs_blueprint is not None:
        app.register_blueprint(stripejs_blueprint)
    app.register_blueprint(hooks_blueprint)
    app.wsgi_app = FaultInjector(app.wsgi_app, state.faults)  # type: ignore[method-assign]
    return app


def _view(state: SandboxState, endpoint: Endpoint):
    def view(**path: str) -> flask.Response:
        return _serve(state, endpoint, path)
    view.__name__ = f"sandbox_{endpoint.method}_{endpoint.rule}"
    return view


def _serve(state: SandboxState, endpoint: Endpoint, path: dict[str, str]) -> flask.Response:
    request = flask.request
    source = request.form if request.method == "POST" else request.args
    caller = auth.authenticate(state.keys, request.headers.get("Authorization", ""),
                               source.get("key"), publishable_ok=endpoint.publishable)
    auth.require(caller, endpoint.resource, endpoint.writes)
    flask.g.stripe_version = check_version(request.headers.get("Stripe-Version"))
    raw = decode_form(source.items(multi=True))
    for name in STRIPE_JS_FIELDS:
        raw.pop(name, None)
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    if key is None:
        status, body = _execute(state, endpoint, path, raw, caller)
        return _response(status, body)
    state.idempotency.check_key(key)
    saved = state.idempotency.claim(key, f"{request.method} {request.path}",
                                    json.dumps(raw, sort_keys=True), state.now())
    if saved is not None:
        return _response(saved.status, saved.body, replayed=True)
    try:
        return _serve_claimed(state, endpoint, path, raw, caller, key)
    finally:
        state.idempotency.release(key)  # after the saved response is committed (or not)


def _serve_claimed(state, endpoint, path, raw, caller, key) -> flask.Response:
    with state.transaction():
        try:
            status, body = _execute(state, endpoint, path, raw, caller)
        except StripeError as exc:
            if not exc.saved_for_idempotency:
                raise
            status, body = exc.status, exc.body()
        text = _dumps(body)
        state.idempotency.save(key, SavedResponse(
            endpoint=f"{flask.request.method} {flask.request.path}",
            params=json.dumps(raw, sort_keys=True), status=status, body=text,
            created=state.now()))
    return _response(status, text)


def _execute(state, endpoint, path, raw, caller) -> tuple[int, dict]:
    """Run the handler in a transaction (a savepoint under a keyed request's own)."""
    try:
        with state.transaction():
            params = check(raw, endpoint.schema)
            if flask.request.environ.get(ENVIRON_KEY) == "error_500":
                raise api_error("An injected fault (training sandbox): the request failed.")
            call = Call(state=state, caller=caller, base_url=flask.request.host_url.rstrip("/"),
                        params=params)
            return endpoint.handler(call, **path)
    except (StripeError, StateNotSaved):
        raise
    except Exception:
        # Like Stripe's 500: nothing was changed (rolled back); answered, and saved against
        # the key, as an api_error.
        log.exception("sandbox request failed: %s %s", flask.request.method, flask.request.path)
        err = api_error()
        return err.status, err.body()


def _dumps(body: Any) -> str:
    return json.dumps(body, indent=2)


def _response(status: int, body: dict | str, replayed: bool = False) -> flask.Response:
    text = body if isinstance(body, str) else _dumps(body)
    response = flask.Response(text, status=status, mimetype="application/json")
    response.headers["Request-Id"] = f"req_{random_token(14)}"
    response.headers["Stripe-Version"] = flask.g.get("stripe_version", API_VERSION)
    key = flask.request.headers.get("Idempotency-Key")
    if key and flask.request.method == "POST":
        response.headers["Idempotency-Key"] = key
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _stripe_error_response(exc: StripeError) -> flask.Response:
    return _response(exc.status, exc.body())


def _not_saved_response(exc: StateNotSaved) -> flask.Response:
    err = api_error("The training sandbox could not save this change, so it was not made.")
    return _response(err.status, err.body())


def _http_error_response(exc: HTTPException):
    request = flask.request
    if not request.path.startswith(API_PREFIXES):
        return exc
    if exc.code in (404, 405):
        err = invalid_request(f"Unrecognized request URL ({request.method}: {request.path}). "
                              "Please see https://stripe.com/docs or we can help at "
                              "https://support.stripe.com/.", status=404)
    else:
        err = StripeError(exc.code or 500, "invalid_request_error", exc.description or exc.name)
    return _response(err.status, err.body())
