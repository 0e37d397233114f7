"""API keys as Stripe reads them: Bearer (or stripe-python's old basic auth), or Stripe.js's `key`."""

from __future__ import annotations

import base64
import binascii
import re

from pos_app.sandbox.errors import authentication

_KEY = re.compile(r"^(sk|pk)_test_[A-Za-z0-9_]+$")

NO_KEY = ("You did not provide an API key. You need to provide your API key in the Authorization "
          "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
SECRET_ONLY = "This API call cannot be made with a publishable API key. Please use a secret API key."


def mask(key: str) -> str:
    """Stripe's way of naming a bad key without echoing it: prefix and last four."""
    prefix = key[:8] if key.startswith(("sk_", "pk_", "rk_")) else ""
    return f"{prefix}{'*' * 12}{key[-4:]}" if len(key) > 12 else "****"


def key_from(authorization: str, form_key: str | None) -> str:
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer "):].strip()
    if authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[len("Basic "):], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise authentication("Invalid Basic authorization header.") from None
        return decoded.partition(":")[0]
    if authorization:
        raise authentication("Invalid authorization header. Use Bearer auth "
                             "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
    return form_key or ""


def is_publishable(key: str) -> bool:
    """Check a test-mode key; True for pk_test_..., False for sk_test_...; else 401."""
    if not key:
        raise authentication(NO_KEY)
    match = _KEY.match(key)
    if match is None:
        raise authentication(f"Invalid API Key provided: {mask(key)}")
    return match.group(1) == "pk"
