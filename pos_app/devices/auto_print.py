"""ReceiptAutoPrint (POS_AUTO_PRINT=1): every new sale's receipt goes to the receipt printer.

Listens to the checkout's events: on "finalized" (a sale recorded, by the card page, the HTTP
API or the start-up reconciliation) it reads the orders recorded since the last one it saw and
queues their receipts on the printer's thread. A printer that fails never touches the sale: the
order is already committed, and the failure is logged and told to the printer's listeners (the
till window shows it; the receipt can be printed again from the order history).
"""

from __future__ import annotations

import threading

from pos_app.config import Settings
from pos_app.devices.printer import ReceiptPrinter
from pos_app.devices.receipt import receipt_for
from pos_app.store.orders import OrderBook
from pos_app.store.tenders import TenderBook

#: at most this many new orders are looked at per event (a till records one sale at a time)
BATCH = 20


class ReceiptAutoPrint:
    def __init__(self, orders: OrderBook, tenders: TenderBook, printer: ReceiptPrinter, settings: Settings) -> None:
        self._orders = orders
        self._tenders = tenders
        self._printer = printer
        self._settings = settings
        self._lock = threading.Lock()
        newest = orders.recent(1)
        self._last_seen = (newest[0].id or 0) if newest else 0  # receipts of older sales are not printed again

    def on_checkout_event(self, name: str) -> None:
        """A CheckoutEvents listener (any thread): queue the receipts of sales recorded since the last."""
        if name != "finalized":
            return
        with self._lock:
            new = [o for o in self._orders.recent(BATCH) if (o.id or 0) > self._last_seen]
            if new:
                self._last_seen = max(o.id or 0 for o in new)
        for order in sorted(new, key=lambda o: o.id or 0):
            tenders = self._tenders.for_order(order.id) if order.id is not None else []
            self._printer.print_later(receipt_for(order, self._settings, tenders=tenders))
