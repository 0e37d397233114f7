"""The order history's "Print to receipt printer" (Ctrl+Shift+P): a reprint on the ESC/POS printer.

Next to Reprint (the Qt print dialog) and Save PDF, shown only when a receipt printer is set
(POS_PRINTER). The receipt is marked COPY; printing is device I/O, so it runs on the history
window's own TaskRunner and the status line says how it went.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from pos_app.devices.receipt import receipt_for
from pos_app.i18n import _
from pos_app.qt.shortcuts import add_shortcuts
from pos_app.qt.style import show_kind

if TYPE_CHECKING:
    from pos_app.qt.history_window import HistoryWindow

PRINT_KEYS = "Ctrl+Shift+P"


class ReceiptPrinterAction(QObject):
    printed = Signal(str)  # the order number, once the printer has taken the receipt
    print_failed = Signal(str)  # why not

    def __init__(self, history: HistoryWindow) -> None:
        super().__init__(history)
        self._history = history
        self.button = QPushButton(_("Print to receipt printer"), history)
        self.button.setObjectName("receiptPrinterButton")
        self.button.setToolTip(_("Print a copy of this receipt on the receipt printer ({keys})").format(
            keys=PRINT_KEYS))
        self.button.clicked.connect(self.print_current)
        actions = history.findChild(QHBoxLayout, "historyActions")
        if actions is not None:  # just after Save PDF
            actions.insertWidget(actions.indexOf(history.pdf_button) + 1, self.button)
        self.button.setVisible(history.local.printer is not None)
        if history.local.printer is not None:
            add_shortcuts(history, [PRINT_KEYS], self.print_current)
        history.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self._on_table_current_row_changed()

    def print_current(self) -> None:
        history, printer = self._history, self._history.local.printer
        order = history.current_order
        if printer is None or order is None:
            return
        tenders = history.local.store.tenders.for_order(order.id) if order.id is not None else []
        receipt = receipt_for(order, history.settings, tenders=tenders, copy=True)
        self.button.setEnabled(False)
        show_kind(history.status, _("Printing receipt {number}…").format(number=order.number), "info")
        history.queue.submit("receipt-printer", lambda: printer.print_receipt(receipt),
                             lambda _none: self._on_printer_done(order.number, None),
                             lambda exc: self._on_printer_done(order.number, str(exc)))

    def _on_printer_done(self, number: str, error: str | None) -> None:
        self._on_table_current_row_changed()
        if error is None:
            show_kind(self._history.status, _("Receipt {number} printed on the receipt printer.").format(
                number=number), "info")
            self.printed.emit(number)
        else:
            show_kind(self._history.status, error, "error")
            self.print_failed.emit(error)

    def _on_table_current_row_changed(self, *_rows: object) -> None:
        self.button.setEnabled(self._history.current_order is not None)
