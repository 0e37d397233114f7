"""What the endpoint's routes work with: the till's local context and its checkout, from the app.

create_app() puts them on the Flask app (`app.extensions`), nothing process-wide; a route reaches
them through these two functions, typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext
    from pos_app.payments.checkout import CheckoutService

LOCAL_KEY, CHECKOUT_KEY = "pos_local", "pos_checkout"


def local() -> LocalContext:
    """The settings and the store of the till this endpoint serves."""
    found: LocalContext = current_app.extensions[LOCAL_KEY]
    return found


def checkout() -> CheckoutService:
    """The till's CheckoutService (prepare, finalize, abandon, close_voided)."""
    found: CheckoutService = current_app.extensions[CHECKOUT_KEY]
    return found
