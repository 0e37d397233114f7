"""Errors whose text is safe to show to a cashier (and to send in an HTTP error body)."""

from __future__ import annotations


class UserFacingError(Exception):
    """Base for errors a person can act on. str(error) is safe to show: no secrets, no card data."""

    #: HTTP status the local endpoint answers with for this error.
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
