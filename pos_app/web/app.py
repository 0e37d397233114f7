"""create_app(local, checkout, config): the local endpoint as a Flask app (blueprints per area)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, ServiceUnavailable
from werkzeug.wsgi import get_content_length

from pos_app.config import TRAINING
from pos_app.resources import resource_path
from pos_app import i18n
from pos_app.web import (
    cart_api, checkout_api, devices_api, pages, parking_api, reader_api, refunds_api, session_api, shifts,
    tenders_api, terms_api,
)
from pos_app.web.errors import register_error_handlers
from pos_app.web.redaction import Redactor
from pos_app.web.context import CHECKOUT_KEY, LOCAL_KEY
from pos_app.web.security import JS_STRIPE_ORIGIN, add_security_headers, check_request, content_security_policy

if TYPE_CHECKING:
    from pos_app.config import Settings
    from pos_app.contexts import LocalContext
    from pos_app.payments.checkout import CheckoutService

MAX_BODY = 64 * 1024


def stripe_js(settings: Settings, sandbox_url: str | None) -> tuple[str, str]:
    """(script URL, origin) of Stripe.js: the sandbox's lookalike in training mode, else Stripe's."""
    if settings.mode == TRAINING:
        if not sandbox_url:
            raise ServiceUnavailable("training mode without a sandbox")
        origin = sandbox_url.rstrip("/")
        return f"{origin}/v3/", origin
    return f"{JS_STRIPE_ORIGIN}/v3/", JS_STRIPE_ORIGIN


def create_app(local: LocalContext, checkout: CheckoutService, config: dict | None = None, *,
               sandbox_url: str | None = None) -> Flask:
    """The endpoint over the till's local context (settings, store) and its checkout; sandbox_url is
    where Stripe.js comes from in training mode. config must hold TOKEN; ENDPOINT_URL (the
    endpoint's own http(s)://127.0.0.1:<port>) may be set later, once the server is bound: until
    then every request is refused."""
    web_root = resource_path("web")
    app = Flask(__name__, static_folder=str(web_root / "static"), static_url_path="/static",
                template_folder=str(web_root / "templates"))
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, ENDPOINT_URL=None,
                      SEND_FILE_MAX_AGE_DEFAULT=0)
    app.config.update(config or {})
    token = app.config.get("TOKEN")
    if not isinstance(token, str) or len(token) < 16:
        raise ValueError("create_app needs config['TOKEN'], a random string of 16+ characters")
    app.json.sort_keys = False  # keep cart lines in the order they were added
    app.jinja_env.add_extension("jinja2.ext.i18n")  # the pages' words: {{ _("...") }}, the till's catalogue
    app.jinja_env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.extensions[LOCAL_KEY], app.extensions[CHECKOUT_KEY] = local, checkout
    script_url, origin = stripe_js(local.settings, sandbox_url)
    app.config["STRIPE_JS_URL"] = script_url
    app.config["CSP"] = content_security_policy(origin)

    app.extensions["pos_redactor"] = Redactor([token, local.settings.stripe_secret_key])

    app.before_request(check_request)
    app.before_request(_read_body)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    app.register_blueprint(cart_api.bp)
    app.register_blueprint(checkout_api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(devices_api.bp)
    app.register_blueprint(shifts.bp)
    app.register_blueprint(tenders_api.bp)
    app.register_blueprint(refunds_api.bp)
    app.register_blueprint(terms_api.bp)
    app.register_blueprint(session_api.bp)
    app.register_blueprint(parking_api.bp)
    app.register_blueprint(reader_api.bp)
    return app


def _read_body() -> None:
    """Read (and size-check) every body up front, so routes that ignore theirs still answer 413."""
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return
    environ = request.environ
    if "wsgi.input_terminated" in environ and get_content_length(environ) is None:
        # A chunked body: werkzeug's limited stream stops quietly at the limit (the JSON would
        # then look truncated), so read one byte past it ourselves, and hand the rest of the
        # request a plain, measured body.
        data = _read_at_most(environ["wsgi.input"], MAX_BODY + 1)
        if len(data) > MAX_BODY:
            raise RequestEntityTooLarge()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
    request.get_data(cache=True)


def _read_at_most(stream, limit: int) -> bytes:
    parts, size = [], 0
    while size < limit:
        part = stream.read(limit - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
