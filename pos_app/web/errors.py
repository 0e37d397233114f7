"""Every error leaves the endpoint as {"error": {"message": ...}} with a 4xx/5xx status.

A UserFacingError's message is safe to show; its status comes from HTTP_STATUS, the one table
that maps the store's and the payments' error types to HTTP (they know nothing about HTTP).
Anything else is a bug: 500 "internal error", and the traceback goes to the log with secrets
(keys, client secrets, the token) blanked out.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from pos_app.cash_office import CountUnderWay, ShiftAlreadyOpen, ShiftNotFound, ShiftRefused
from pos_app.errors import NoOpenShift, PaymentError, RefundRefused, UserFacingError
from pos_app.payments.gateway import (
    AlreadyPaid, AmountTooLarge, AmountTooSmall, AuthenticationFailed, CardDeclined, CartChanged, EmptyCart,
    GatewayUnavailable, IdempotencyConflict, IntentNotFound, InvalidPayment, NoPaymentInProgress,
    PaymentInDoubt, PaymentMismatch, PaymentNotSucceeded,
)
from pos_app.payments.readers import ReaderError
from pos_app.payments.tendering import IdempotencyMismatch, TenderRefused
from pos_app.staff.service import ApprovalRequired, PinRefused
from pos_app.staff.session import LoginRequired
from pos_app.store import CartFrozen, ParkedSaleNotFound, ParkingRefused, StorageFull, StoreBusy, StoreError

log = logging.getLogger(__name__)


class BadRequestBody(UserFacingError):
    """The request body is not what the route accepts (not JSON, wrong shape)."""


#: The status of each error type; an error not listed takes its nearest listed base class's.
HTTP_STATUS: dict[type[UserFacingError], int] = {
    UserFacingError: 400,
    BadRequestBody: 400,
    CartFrozen: 409,
    StoreError: 503, StoreBusy: 503, StorageFull: 507,
    PaymentError: 402, CardDeclined: 402,
    GatewayUnavailable: 503,
    AuthenticationFailed: 500,
    InvalidPayment: 400, EmptyCart: 400, AmountTooSmall: 400, AmountTooLarge: 400,
    IntentNotFound: 404,
    IdempotencyConflict: 409, PaymentInDoubt: 409, PaymentNotSucceeded: 409, PaymentMismatch: 409,
    NoPaymentInProgress: 409, CartChanged: 409, AlreadyPaid: 409, RefundRefused: 409,
    ShiftRefused: 400, NoOpenShift: 409, ShiftAlreadyOpen: 409, CountUnderWay: 409, ShiftNotFound: 404,
    TenderRefused: 409, IdempotencyMismatch: 400, ReaderError: 409,
    LoginRequired: 401, ApprovalRequired: 403, PinRefused: 403, ParkingRefused: 409, ParkedSaleNotFound: 404,
}

#: Errors a client acts on by kind, not by text: their {"error"} also says "code" (docs/http-api.md).
ERROR_CODES: dict[type[UserFacingError], str] = {
    LoginRequired: "login_required", ApprovalRequired: "approval_required", PinRefused: "pin_refused",
}


def http_status_for(error: UserFacingError) -> int:
    """The HTTP status the endpoint answers `error` with (HTTP_STATUS, by the nearest class)."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def error_response(message: str, status: int, **more: str):
    response = jsonify({"error": {"message": message, **more}})
    response.status_code = status
    return response


def error_fields(error: UserFacingError) -> dict[str, str]:
    """The "code" of an error a client acts on by kind, and the "action" an approval is needed for."""
    code = next((ERROR_CODES[cls] for cls in type(error).__mro__ if cls in ERROR_CODES), None)
    fields = {"code": code} if code else {}
    if isinstance(error, ApprovalRequired):
        fields["action"] = error.permission.value
    return fields


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserFacingError)
    def _user_facing(exc: UserFacingError):
        return error_response(str(exc), http_status_for(exc), **error_fields(exc))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge):
        limit = app.config["MAX_CONTENT_LENGTH"]
        return error_response(f"request body too large: at most {limit // 1024} KiB", 413)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = error_response(exc.description or exc.name, exc.code or 500)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _internal(exc: Exception):
        redact = current_app.extensions["pos_redactor"].redact
        log.error("internal error on %s %s\n%s", request.method, request.path, redact(traceback.format_exc()))
        return error_response("internal error", 500)
