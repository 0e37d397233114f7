"""Errors whose text is safe to show to a cashier (and to send in an HTTP error body).

The HTTP status an error answers with is the endpoint's business: web/errors.py maps these types
to statuses in one table, so nothing below web/ knows about HTTP.
"""

from __future__ import annotations

from pos_app.i18n import _


class UserFacingError(Exception):
    """Base for errors a person can act on. str(error) is safe to show: no secrets, no card data."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PaymentError(UserFacingError):
    """Base of every payment error; str() is safe to show (no card data, no secrets)."""


class RefundRefused(PaymentError):
    """A refund that can't be made (nothing left, more units than were sold, declined by the
    processor); nothing changed. One class, raised by the refund rule (domain), the store's
    reservation and the refund services alike."""


class NoOpenShift(UserFacingError):
    """The till has no open shift: it takes no tender (card or cash) and no cash-office step until
    one is opened with its counted float. One class for the sale path and the cash office."""

    def __init__(self, terminal_id: str, detail: str | None = None) -> None:
        super().__init__(detail or _("No shift is open on till {terminal_id}: open a shift first (with its counted "
                                     "float), then take the payment.").format(terminal_id=terminal_id))
        self.terminal_id = terminal_id


class CountUnderWay(UserFacingError):
    """A blind count of the shift is under way (by any process: the count is the shift's row): the
    expected cash stays hidden until the count is given, and the drawer's contents hold still (no
    tender, no paid in / paid out / drop, no cash refund) while it is counted."""
