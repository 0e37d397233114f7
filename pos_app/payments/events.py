"""CheckoutEvents: the checkout's one event bus, called on the thread that made the change.

Events: "prepared", "finalized", "abandoned", "in_doubt", "reconciled", "refunded", "review", and the
tenders' "tendered" (a tender taken, the sale not complete yet) and "voided" (the tenders given back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

Listener = Callable[[str], None]


class CheckoutEvents:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Returns an unsubscribe function."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def emit(self, event: str) -> None:
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:  # a broken listener must not undo a recorded payment
                log.exception("checkout listener failed on %s", event)
