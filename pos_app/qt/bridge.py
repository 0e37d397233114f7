"""The checkout page's whole API into the app: one QWebChannel object, registered as "posBridge".

The page calls these slots; each becomes a snake_case signal. Nothing here is trusted: a reported
success only makes the app ask CheckoutService.finalize(), which checks the PaymentIntent with
the gateway. Calls are ignored unless the page is still on the local endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

PAGE_STATES = frozenset({"loading", "ready", "confirming", "requires_action", "declined", "succeeded", "error"})
MAX_TEXT = 500  # a decline message longer than this is not from Stripe


class PaymentBridge(QObject):
    page_ready = Signal()
    state_changed = Signal(str)
    payment_succeeded = Signal(str)  # PaymentIntent id, as the page says
    payment_declined = Signal(str, str)  # message, code
    cancel_requested = Signal()

    def __init__(self, page_is_trusted: Callable[[], bool] = lambda: True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page_is_trusted = page_is_trusted
        self.state = "loading"

    def _trusted(self, call: str) -> bool:
        if self._page_is_trusted():
            return True
        log.warning("ignored %s from a page that is not the checkout page", call)
        return False

    @Slot()
    def report_ready(self) -> None:
        if self._trusted("report_ready"):
            self.page_ready.emit()

    @Slot(str)
    def report_state(self, state: str) -> None:
        if not self._trusted("report_state"):
            return
        if state not in PAGE_STATES:
            log.warning("checkout page reported an unknown state %r", str(state)[:40])
            return
        self.state = state
        self.state_changed.emit(state)

    @Slot(str)
    def report_succeeded(self, payment_intent: str) -> None:
        if self._trusted("report_succeeded"):
            self.payment_succeeded.emit(str(payment_intent)[:255])

    @Slot(str, str)
    def report_declined(self, message: str, code: str) -> None:
        if self._trusted("report_declined"):
            self.payment_declined.emit(str(message)[:MAX_TEXT], str(code)[:80])

    @Slot()
    def report_cancel(self) -> None:
        if self._trusted("report_cancel"):
            self.cancel_requested.emit()
