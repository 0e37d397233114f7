"""Every error leaves the endpoint as {"error": {"message": ...}} with a 4xx/5xx status.

UserFacingError subclasses carry their own status (.http_status) and a message safe to show.
Anything else is a bug: 500 "internal error", and the traceback goes to the log with secrets
(keys, client secrets, the token) blanked out.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from pos_app.errors import UserFacingError

log = logging.getLogger(__name__)


class BadRequestBody(UserFacingError):
    """The request body is not what the route accepts (not JSON, wrong shape)."""

    http_status = 400


def error_response(message: str, status: int):
    response = jsonify({"error": {"message": message}})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserFacingError)
    def _user_facing(exc: UserFacingError):
        status = getattr(exc, "http_status", 400)
        if not isinstance(status, int) or not 400 <= status <= 599:
            status = 400
        return error_response(str(exc), status)

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
