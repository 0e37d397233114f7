"""Parking: a cashier parks the sale (it keeps its lines, terms and UUID), lists parked sales and recalls one.

The store keeps parked carts (CartService.park / recall, migration 14); the rules about people
sit here, above it: both are cashier actions (Permission.PARK / RECALL through
`TillSession.require`, so nobody logged in is LoginRequired), and each is journalled ("park",
"recall") in the unit of work that makes the change. A cart whose payment is under way can't
be parked (CartFrozen); a recall over a cart with lines is refused (ParkingRefused: "park or
clear this sale first"), as most tills do, rather than parking it quietly.

A parked cart's open PaymentIntent is the checkout's to cancel, as a voided cart's is
(CheckoutService.close_voided, off the GUI thread; again by the next prepare and by reconcile):
this layer is under payments. Its ledger row then is final, so a recalled cart charged again
gets a fresh intent under the key "<uuid>.2" (payments/intents.py), never the cancelled one.
"""

from __future__ import annotations

import time

from pos_app.domain.people import Permission
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.staff.session import TillSession
from pos_app.store import CartSnapshot, ParkedCart, Store

#: A label the cashier types ("table 4"): at most this many printable characters.
MAX_LABEL = 40


class LabelRefused(UserFacingError):
    """The label typed is no label (not text, too long, control characters)."""


def check_label(label: object) -> str | None:
    """The label typed, trimmed (None when nothing was typed); LabelRefused when it is no label."""
    if label is None:
        return None
    if not isinstance(label, str):
        raise LabelRefused(_('a label is text such as "table 4", got {name}').format(name=type(label).__name__))
    text = label.strip()
    if len(text) > MAX_LABEL or not text.isprintable():
        raise LabelRefused(_("a label is at most {MAX_LABEL} printable characters").format(MAX_LABEL=MAX_LABEL))
    return text or None


def default_label(at: float) -> str:
    """'Parked 14:05', in the till's local time."""
    return time.strftime("Parked %H:%M", time.localtime(at))


class Parking:
    """Parked sales as the window, the endpoint and the tester kit work them."""

    def __init__(self, store: Store, session: TillSession) -> None:
        self._store, self._session = store, session

    def park(self, label: str | None = None) -> ParkedCart:
        """Park the active cart under `label` (else "Parked <time>"); a new, empty cart is active."""
        self._session.require(Permission.PARK)
        text = check_label(label) or default_label(time.time())
        with self._store.unit_of_work() as work:
            parked = work.carts.park(label=text, user=self._session.user_name())
            work.journal.append("park", _event(parked, self._store.carts.pricing.currency))
        return parked

    def parked(self) -> list[ParkedCart]:
        """The parked sales, newest first (anyone may look: the list holds no money)."""
        return self._store.carts.parked()

    def recall(self, parked_id: int) -> CartSnapshot:
        """The parked sale is the active cart again, with its lines, terms and UUID."""
        self._session.require(Permission.RECALL)
        with self._store.unit_of_work() as work:
            parked = work.carts.recall(parked_id)
            work.journal.append("recall", _event(parked, self._store.carts.pricing.currency))
        return self._store.carts.snapshot()


def _event(parked: ParkedCart, currency: str) -> dict[str, object]:
    return {"cart_uuid": parked.uuid, "label": parked.label, "lines": parked.lines, "total": parked.total,
            "currency": currency}
