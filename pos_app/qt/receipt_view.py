"""The receipt panel (objectName receiptView): a read-only QTextBrowser showing receipt_html()."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTextBrowser, QWidget

from pos_app.config import Settings
from pos_app.domain import Order
from pos_app.qt.receipt import receipt_html
from pos_app.store import Tender


class ReceiptView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptView")
        self.setOpenLinks(False)
        self.order: Order | None = None

    def show_order(self, order: Order, settings: Settings, mode: str, tenders: Sequence[Tender] = ()) -> None:
        """The order's receipt; `tenders` lists how a sale paid by tenders was paid (and the change)."""
        self.order = order
        self.setHtml(receipt_html(order, settings, mode, tenders))
