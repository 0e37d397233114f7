"""The receipt panel (objectName receiptView): a read-only QTextBrowser showing receipt_html()."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from pos_app.config import Settings
from pos_app.domain import Order
from pos_app.qt.receipt import receipt_html


class ReceiptView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptView")
        self.setOpenLinks(False)
        self.order: Order | None = None

    def show_order(self, order: Order, settings: Settings, mode: str) -> None:
        self.order = order
        self.setHtml(receipt_html(order, settings, mode))
