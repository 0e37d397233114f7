"""Who is calling, as Stripe reads it: the Authorization header, or Stripe.js's publishable `key` field.

Secret and restricted keys count only in the Authorization header (Bearer, or Basic with the key
as user name, as Stripe accepts). Stripe.js sends its publishable key as the `key` field of the
form or query string; that is accepted for a publishable key only, and only on endpoints that
take one. Any key that is not this sandbox's own is Stripe's 401.
"""

from __future__ import annotations

import base64
import binascii

from pos_app.sandbox.errors import StripeError, authentication
from pos_app.sandbox.keys import ACCOUNT, ApiKeys, Caller, permission_name

NO_KEY = ("You did not provide an API key. You need to provide your API key in the Authorization "
          "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
SECRET_ONLY = "This API call cannot be made with a publishable API key. Please use a secret API key."


def mask(key: str) -> str:
    """Stripe's way of naming a bad key without echoing it: prefix and last four."""
    prefix = key[:8] if key.startswith(("sk_", "pk_", "rk_")) else ""
    return f"{prefix}{'*' * 12}{key[-4:]}" if len(key) > 12 else "****"


def key_from_header(authorization: str) -> str | None:
    if not authorization:
        return None
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer "):].strip()
    if authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[len("Basic "):], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise authentication("Invalid Basic authorization header.") from None
        return decoded.partition(":")[0]
    raise authentication("Invalid authorization header. Use Bearer auth "
                         "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")


def authenticate(keys: ApiKeys, authorization: str, form_key: str | None, *,
                 publishable_ok: bool) -> Caller:
    """The caller of a request, or Stripe's 401.

    `form_key` is the request's `key` field (body or query): only a publishable key may come
    that way; a secret key there is not read (and so the request has no key)."""
    key = key_from_header(authorization)
    if key is None:
        key = form_key if form_key and form_key.startswith("pk_") else None
    if not key:
        raise authentication(NO_KEY)
    caller = keys.identify(key)
    if caller is None:
        raise authentication(f"Invalid API Key provided: {mask(key)}")
    if caller.publishable and not publishable_ok:
        raise authentication(SECRET_ONLY)
    return caller


def require(caller: Caller, resource: str | None, write: bool) -> None:
    """Stripe's 403 for a restricted key without the endpoint's permission.

    resource None: an endpoint no restricted key may use (the sandbox's own controls)."""
    if caller.kind != "restricted":
        return
    if resource is not None and caller.allows(resource, write):
        return
    needed = permission_name(resource, write) if resource else "rak_sandbox_control_write"
    raise StripeError(403, "invalid_request_error",
                      f"The provided key '{mask(caller.key)}' does not have the required "
                      f"permissions for this endpoint on account '{ACCOUNT}'. Having the "
                      f"'{needed}' permission would allow this request to continue.")
