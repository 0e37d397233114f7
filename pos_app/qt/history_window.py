"""Order history (objectName historyWindow): find a past order and reprint, refund or report it.

Recent orders first, search, the receipt of the selected order with its refunds, and from there
reprint, print on the receipt printer (Ctrl+Shift+P, receipt_printer_action.py), PDF, refund, Z.

Keyboard: typing goes to the search field (Ctrl+F / F2 back to it); Down or Enter moves into the
list; Enter on an order shows it in full (focus to the details, Esc back to the list); Ctrl+P
reprints, Ctrl+S saves a PDF, Ctrl+R refunds, Ctrl+Shift+Z opens the Z report, F5 reloads, Esc
closes. Orders come from the local store (quick SQLite reads on the GUI thread); refunds and the
report's gateway check run on this window's own worker queue, never on the GUI thread and never
behind a Charge on the till's queue.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from pos_app.config import TRAINING
from pos_app.domain import Order
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.listeners import ListenerRelay
from pos_app.qt.order_models import refund_made_text
from pos_app.qt.order_models import PAGE_SIZE, OrderColumn, OrderTableModel, orders_status_text, review_list_text
from pos_app.qt.printing import print_document, receipt_document, refunds_html, save_pdf
from pos_app.qt.receipt_printer_action import ReceiptPrinterAction
from pos_app.qt.receipt import receipt_html
from pos_app.qt.refund_dialog import RefundDialog
from pos_app.qt.report_dialog import ReportDialog
from pos_app.qt.review_dialog import ReviewDialog
from pos_app.qt.shift_access import SHIFT_KEYS, open_shift_dialog
from pos_app.qt.shortcuts import REPORT_KEYS, add_shortcuts, pass_shortcuts_through
from pos_app.qt.style import set_style_property, show_kind, show_mode_badge
from pos_app.qt.workers import TaskRunner
from pos_app.store import RefundRecord

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext, PaymentsContext
    from pos_app.qt.shift_dialog import ShiftDialog

log = logging.getLogger(__name__)

SEARCH_LIMIT = 500
#: Succeeded refunds younger than this are asked about again when their order is shown.
FOLLOW_REFUNDS_FOR = 14 * 86_400
HISTORY_STYLE = """
QLabel#historyTitle { font-size: 15pt; font-weight: 600; color: #1f2937; padding-right: 8px; }
QLineEdit#historySearch { font-size: 12pt; padding: 5px 8px; border: 2px solid #9ca3af; border-radius: 6px; }
QLineEdit#historySearch:focus { border-color: #2563eb; }
QLabel#historyModeBadge { color: white; font-weight: 700; padding: 4px 12px; border-radius: 6px; }
QTableView { font-size: 11pt; gridline-color: #e5e7eb; selection-background-color: #2563eb;
             selection-color: white; alternate-background-color: #f3f4f6; }
QTableView:!focus { selection-background-color: #bfdbfe; selection-color: #111827; }
QHeaderView::section { font-weight: 600; padding: 4px 6px; background: #f3f4f6; border: none;
                       border-bottom: 1px solid #d1d5db; }
QTextBrowser#orderDetails { font-size: 11pt; border: 1px solid #e5e7eb; background: white; }
QPushButton#reviewButton[attention="true"] { background: #fef3c7; color: #92400e; font-weight: 600; }
QLabel#historyStatus { color: #374151; }
QLabel#historyStatus[kind="error"] { color: #991b1b; }
QPushButton { font-size: 11pt; min-height: 34px; padding: 0 12px; }
"""


class HistoryWindow(QWidget):
    refund_made = Signal(object)  # RefundRecord

    def __init__(self, local: LocalContext, payments: PaymentsContext, queue: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("historyWindow")
        self.local, self.payments = local, payments
        self.settings, self.mode = local.settings, local.mode
        self.queue = queue or TaskRunner(self, name="history")
        self.refund_dialog: RefundDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self.review_dialog: ReviewDialog | None = None
        self._checkout_relay: ListenerRelay | None = None  # while shown

        self._build_form()
        self._build_shortcuts()
        self.receipt_printer = ReceiptPrinterAction(self)  # the ESC/POS reprint, when a printer is set
        self.setWindowTitle(_("Order history") + (" — " + _("TRAINING") if self.mode == TRAINING else ""))
        self.resize(1180, 700)
        self.reload()
        self.search.setFocus()

    # -- construction --------------------------------------------------------------------------

    def _build_form(self) -> None:
        form = load_form("history_window.ui", self)
        form.setStyleSheet(HISTORY_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        self.search: QLineEdit = child(form, QLineEdit, "historySearch")
        self.table: QTableView = child(form, QTableView, "historyTable")
        self.details: QTextBrowser = child(form, QTextBrowser, "orderDetails")
        self.status: QLabel = child(form, QLabel, "historyStatus")
        self.reprint_button: QPushButton = child(form, QPushButton, "reprintButton")
        self.pdf_button: QPushButton = child(form, QPushButton, "savePdfButton")
        self.refund_button: QPushButton = child(form, QPushButton, "refundButton")
        self.report_button: QPushButton = child(form, QPushButton, "reportButton")
        self.review_button: QPushButton = child(form, QPushButton, "reviewButton")
        show_mode_badge(child(form, QLabel, "historyModeBadge"), self.mode)
        splitter = child(form, QSplitter, "historySplitter")
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 440])

        self.model = OrderTableModel(self.settings.locale, self)
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(30)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for column in OrderColumn:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == OrderColumn.PAYMENT_INTENT
                                        else QHeaderView.ResizeMode.ResizeToContents)
        table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        table.activated.connect(self._on_table_activated)

        self.search.textChanged.connect(self._on_search_text_changed)
        self.reprint_button.clicked.connect(self.reprint)
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        self.refund_button.clicked.connect(self.open_refund)
        self.report_button.clicked.connect(self.open_report)
        child(form, QPushButton, "shiftButton").clicked.connect(self.open_shift)
        self.review_button.clicked.connect(self.open_review)
        self.search.installEventFilter(self)
        pass_shortcuts_through(self.search, REPORT_KEYS)

    def _build_shortcuts(self) -> None:
        add_shortcuts(self, ["Ctrl+F", "F2"], self.focus_search)
        add_shortcuts(self, ["Ctrl+P"], self.reprint)
        add_shortcuts(self, ["Ctrl+S"], self._on_pdf_clicked)
        add_shortcuts(self, ["Ctrl+R"], self.open_refund)
        add_shortcuts(self, [REPORT_KEYS], self.open_report)
        add_shortcuts(self, ["F5"], self.reload)
        add_shortcuts(self, [SHIFT_KEYS], self.open_shift)
        add_shortcuts(self, ["Esc"], self._on_escape)

    # -- orders --------------------------------------------------------------------------------

    @property
    def current_order(self) -> Order | None:
        return self.model.order_at(self.table.currentIndex().row())

    def reload(self) -> None:
        """Load the orders for the search text again, keeping the selected order if it is still there."""
        keep = self.current_order.id if self.current_order else None
        text = self.search.text().strip()
        orders = self.local.store.orders
        if text:
            found = orders.search(text, self.settings.currency, SEARCH_LIMIT)
            self.model.set_orders(found)
            self._set_status(orders_status_text(len(found), text))
        else:
            self.model.set_orders(orders.recent(PAGE_SIZE), more=lambda offset, limit: orders.recent(limit, offset))
            self._set_status(orders_status_text(orders.count()))
        row = self.model.row_of(keep) if keep is not None else -1
        self.select_row(row if row >= 0 else 0)
        self._update_review_button()

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(-1, 0))
            self._show_order(None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        self._show_order(self.model.order_at(row))  # also when the row was already current

    def select_order(self, order_id: int) -> bool:
        row = self.model.row_of(order_id)
        if row >= 0:
            self.select_row(row)
        return row >= 0

    def _on_search_text_changed(self, _text: str) -> None:
        self.reload()

    def _on_table_current_row_changed(self, current, _previous) -> None:
        self._show_order(self.model.order_at(current.row()))

    def _on_table_activated(self, index) -> None:
        self._show_order(self.model.order_at(index.row()))
        self.details.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_order(self, order: Order | None) -> None:
        if order is None:
            self.details.setHtml("<p style='color:#6b7280'>" + _("No order selected.") + "</p>")
        else:
            refunds = self.local.store.orders.refunds_for(order.id)
            tenders = self.local.store.tenders.for_order(order.id)
            self.details.setHtml(receipt_html(order, self.settings, self.mode, tenders)
                                 + refunds_html(order, refunds, self.settings.locale))
            self._follow_refunds(order, refunds)
        self._update_actions(order)

    def _follow_refunds(self, order: Order, refunds: list[RefundRecord]) -> None:
        """Ask the processor, off the GUI thread, about the order's refunds that may still move: on
        their way (Stripe's 'pending'), or succeeded lately (Stripe can still fail those)."""
        checkout = self.payments.checkout
        recent = time.time() - FOLLOW_REFUNDS_FOR
        if not any(r.status == "processing" or (r.status == "succeeded" and r.refund_id
                                                                     and r.created_at >= recent) for r in refunds):
            return
        self.queue.submit("follow-refunds", lambda: checkout.follow_refunds(order.id, recheck_succeeded=True),
                          lambda changed: self._refresh_order(order.id) if changed else None)

    def _update_actions(self, order: Order | None) -> None:
        for button in (self.reprint_button, self.pdf_button):
            button.setEnabled(order is not None)
        refundable = order is not None and order.refundable > 0
        self.refund_button.setEnabled(refundable)
        self.refund_button.setToolTip(_("Refund this order in full or some of its items (Ctrl+R)") if refundable
                                      else _("Nothing left to refund on this order") if order else _("Choose an order"))

    def _refresh_order(self, order_id: int) -> None:
        order = self.local.store.orders.get(order_id)
        if order is not None:
            self.model.update_order(order)
            if self.current_order is not None and self.current_order.id == order_id:
                self._show_order(order)

    # -- receipts ------------------------------------------------------------------------------

    def receipt_document(self, order: Order | None = None):
        """The selected order's receipt as a reprint: marked COPY, with its refunds."""
        order = order or self.current_order
        if order is None:
            raise UserFacingError(_("Choose an order first."))
        refunds = self.local.store.orders.refunds_for(order.id)
        return receipt_document(order, self.settings, self.mode, refunds=refunds, copy=True,
                                tenders=self.local.store.tenders.for_order(order.id))

    def reprint(self) -> None:
        if self.current_order is None:
            return
        try:
            if print_document(self.receipt_document(), self):
                self._set_status(_("Receipt {number} sent to the printer.").format(number=self.current_order.number))
        except UserFacingError as exc:
            self._set_status(str(exc), "error")

    def save_pdf(self, path: Path | str) -> Path:
        """Save the selected order's receipt as a PDF (what Save PDF does after asking where)."""
        saved = save_pdf(self.receipt_document(), path)
        self._set_status(_("Receipt {number} saved to {path}").format(number=self.current_order.number, path=saved))
        return saved

    def _on_pdf_clicked(self) -> None:
        order = self.current_order
        if order is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Save receipt as PDF"),
                                              str(Path.home() / f"receipt-{order.number}.pdf"), _("PDF files (*.pdf)"))
        if path:
            try:
                self.save_pdf(path)
            except UserFacingError as exc:
                self._set_status(str(exc), "error")

    # -- refunds and report --------------------------------------------------------------------

    def open_refund(self) -> RefundDialog | None:
        order = self.current_order
        if order is None or order.refundable <= 0:
            return None
        if self.refund_dialog is not None:
            self.refund_dialog.deleteLater()
        dialog = RefundDialog(order, self.local.store.orders, self.payments.checkout.refund, self.settings.locale,
                              self.queue, self)
        dialog.refunded.connect(self._on_refund_dialog_refunded)
        dialog.finished.connect(self._on_refund_dialog_finished)
        self.refund_dialog = dialog
        dialog.open()
        return dialog

    def _on_refund_dialog_refunded(self, record: RefundRecord) -> None:
        self._refresh_order(record.order_id)
        self._set_status(refund_made_text(record, self.local.store.orders.get(record.order_id), self.settings.locale))
        self.refund_made.emit(record)

    def _on_refund_dialog_finished(self, _result: int) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_report(self) -> ReportDialog:
        if self.report_dialog is not None:
            self.report_dialog.deleteLater()
        self.report_dialog = ReportDialog(self.local.store.orders, self.payments.gateway, self.settings, self.queue,
                                          self, tenders=self.local.store.tenders)
        self.report_dialog.show()
        return self.report_dialog

    def open_shift(self) -> ShiftDialog:
        """The shift dialog (F7): paid in/out, the X, the close (qt/shift_access.py)."""
        return open_shift_dialog(self, self.local, self.payments, self.queue)

    def open_review(self) -> ReviewDialog | None:
        desk = self.payments.review_desk
        if self.review_dialog is not None:
            self.review_dialog.deleteLater()
        self.review_dialog = ReviewDialog(desk, self.settings, self.queue, self)
        self.review_dialog.refunded.connect(lambda _item: self._update_review_button())
        self.review_dialog.finished.connect(lambda _result: self._update_review_button())
        self.review_dialog.open()
        return self.review_dialog

    def _update_review_button(self) -> None:
        waiting = self.local.store.reviews.count_open()
        self.review_button.setText(review_list_text(waiting))
        set_style_property(self.review_button, "attention", bool(waiting))

    # -- keyboard ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_escape(self) -> None:
        if self.details.hasFocus():
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and watched is self.search
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount()):
            if not self.table.currentIndex().isValid():
                self.select_row(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- live updates --------------------------------------------------------------------------

    def _on_checkout_event(self, name: str) -> None:
        if name in ("finalized", "refunded", "review", "reconciled"):
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        if self._checkout_relay is None:
            self._checkout_relay = ListenerRelay(self.payments.events.subscribe, self._on_checkout_event, self)
            self.reload()  # sales made while the window was closed
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.refund_dialog is not None and self.refund_dialog.busy:
            event.ignore()  # a refund is on its way: its answer must be seen
            return
        self._stop_listening()
        super().closeEvent(event)

    def _stop_listening(self) -> None:
        if self._checkout_relay is not None:
            self._checkout_relay.close()
            self._checkout_relay.deleteLater()
            self._checkout_relay = None

    def shutdown(self, timeout_ms: int) -> None:
        """The till is closing: stop listening, let this window's queued work finish and join its thread."""
        self._stop_listening()
        self.queue.stop(timeout_ms / 1000)

    def _set_status(self, text: str, kind: str = "info") -> None:
        show_kind(self.status, text, kind)


def open_history(main_window: QWidget | None, local: LocalContext, payments: PaymentsContext) -> HistoryWindow:
    """Show the order history over the till (one per till window), newest orders first."""
    window = main_window.findChild(HistoryWindow, "historyWindow") if main_window is not None else None
    if window is None:
        window = HistoryWindow(local, payments, parent=main_window)
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_report(main_window: QWidget | None, local: LocalContext, payments: PaymentsContext) -> ReportDialog:
    """The Z report for today, from the till (Ctrl+Shift+Z)."""
    return open_history(main_window, local, payments).open_report()
