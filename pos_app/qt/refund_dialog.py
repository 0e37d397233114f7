"""Refund one order (objectName refundDialog): everything left, or some items, with a reason.

The dialog only asks: CheckoutService.refund does the refund (reserved in the store under an
idempotency key, then sent to the processor) on a worker thread. The Refund button disables
itself on the first click, so a double click sends one request (and the service would answer a
repeat with the first refund anyway). Per-line quantities are capped at what was sold and not
yet refunded; the amount preview uses the service's own rule (domain/refunds.py). On a refusal
the processor's safe message is shown and nothing has changed.
"""

from __future__ import annotations

from html import escape

import logging
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QRadioButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from pos_app.domain import Money, Order, format_money
from pos_app.domain.money import MoneyError, parse_money
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.staff.service import ApprovalRequired
from pos_app.domain.refunds import line_refund, units_refunded
from pos_app.domain.statuses import LIVE_REFUNDS
from pos_app.qt.approval_dialog import ApprovalDialog, ask_approval
from pos_app.qt.forms import child, load_form
from pos_app.qt.order_models import card_text
from pos_app.qt.workers import TaskRunner
from pos_app.store import RefundRecord

if TYPE_CHECKING:
    from pos_app.store.orders import OrderBook

log = logging.getLogger(__name__)

REASONS = (("requested_by_customer", N_("Requested by customer")), ("duplicate", N_("Duplicate payment")),
           ("fraudulent", N_("Fraudulent")))
LINE_HEADERS = (N_("Item"), N_("Sold"), N_("Refunded"), N_("Refund"), N_("Amount"))
QTY_COLUMN, AMOUNT_COLUMN = 3, 4


class RefundDialog(QDialog):
    refunded = Signal(object)  # RefundRecord of the refund made
    refund_failed = Signal(str)  # the safe message shown

    def __init__(self, order: Order, orders: OrderBook, refund: Callable[..., RefundRecord], locale: str,
                 queue: TaskRunner, parent: QWidget | None = None) -> None:
        """`orders` tells what is already refunded; `refund` (CheckoutService.refund) makes the
        refund, on `queue`; amounts are shown in `locale`."""
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(_("Refund order {number}").format(number=order.number))
        self.setModal(True)
        self._orders, self._refund, self._locale = orders, refund, locale
        self._queue = queue  # the owner's: it joins it when it shuts down
        self.order = order
        self.busy = False
        self.record: RefundRecord | None = None
        self.approval: ApprovalDialog | None = None  # the manager's prompt, while a cashier's refund waits for it
        self._asked: Callable[[str | None], RefundRecord] | None = None  # the refund asked, by manager's PIN
        self._spins: dict[str, QSpinBox] = {}

        form = load_form("refund_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.title: QLabel = child(form, QLabel, "refundTitle")
        self.full_radio: QRadioButton = child(form, QRadioButton, "fullRefundRadio")
        self.lines_radio: QRadioButton = child(form, QRadioButton, "linesRefundRadio")
        self.amount_radio: QRadioButton = child(form, QRadioButton, "amountRefundRadio")
        self.amount_edit: QLineEdit = child(form, QLineEdit, "refundAmountEdit")
        self.lines_table: QTableWidget = child(form, QTableWidget, "refundLines")
        self.reason: QComboBox = child(form, QComboBox, "refundReason")
        # A refund is a manager's action, in cash too: a cashier's opens the approval prompt (_on_refund_failed).
        self.cash_check: QCheckBox = child(form, QCheckBox, "refundCashCheck")
        self.amount_label: QLabel = child(form, QLabel, "refundAmount")
        self.error_label: QLabel = child(form, QLabel, "refundError")
        self.confirm_button: QPushButton = child(form, QPushButton, "confirmRefundButton")
        self.cancel_button: QPushButton = child(form, QPushButton, "cancelRefundButton")
        self.error_label.setStyleSheet("color: #991b1b; background: #fee2e2; padding: 6px; border-radius: 4px;")
        self.amount_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        for code, text in ((code, _(text)) for code, text in REASONS):
            self.reason.addItem(text, code)

        self._load_refunds()
        self._build_lines()
        self.full_radio.toggled.connect(self._on_mode_toggled)
        self.amount_radio.toggled.connect(self._on_mode_toggled)
        self.amount_edit.textEdited.connect(self._on_amount_edit_text_edited)
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self._on_confirm_clicked)
        self.confirm_button.setDefault(True)  # Enter refunds, from any field: the dialog works without a mouse
        self._chain_tab_order()
        self.full_radio.setFocus(Qt.FocusReason.OtherFocusReason)  # the keyboard starts at the top of the chain
        self._update_preview()
        self.resize(600, 480)

    # -- state of the order --------------------------------------------------------------------

    def _load_refunds(self) -> None:
        """What is already refunded (or on its way): amounts and quantities per line."""
        self._earlier = self._orders.refunds_for(self.order.id)
        live = [r for r in self._earlier if r.status in LIVE_REFUNDS]
        self._taken = sum(r.amount for r in live)
        self._returned: Counter[str] = units_refunded(self._earlier)  # the domain's rule, refund groups too
        paid, taken = self._money(self.order.total), self._money(self._taken)
        self.title.setText(f"<b>{escape(_('Order {number}').format(number=self.order.number))}</b> · "
                           + escape(_("paid {amount} with {card}").format(amount=paid, card=card_text(self.order)))
                           + (" · " + escape(_("already refunded {amount}").format(
                               amount=taken)) if self._taken else ""))

    @property
    def left_to_refund(self) -> int:
        return self.order.total - self._taken

    def _build_lines(self) -> None:
        table = self.lines_table
        table.setColumnCount(len(LINE_HEADERS))
        table.setHorizontalHeaderLabels([_(header) for header in LINE_HEADERS])
        table.setRowCount(len(self.order.lines))
        table.verticalHeader().hide()
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from spin box to spin box
        table.setTabKeyNavigation(False)  # else a Tab from a quantity moved between cells and never left the table
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, line in enumerate(self.order.lines):
            left = line.qty - self._returned[line.sku]
            cells = (line.name, str(line.qty), str(self._returned[line.sku] or ""), None, "")
            for column, text in enumerate(cells):
                if text is not None:
                    item = QTableWidgetItem(text)
                    if column:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    table.setItem(row, column, item)
            spin = QSpinBox(table)
            spin.setObjectName(f"refundQty_{line.sku}")
            spin.setRange(0, max(0, left))
            spin.setEnabled(left > 0)
            spin.setAccessibleName(_("Refund quantity of {name}").format(name=line.name))
            spin.setAccessibleDescription(_("How many to give back: at most what was sold and not yet refunded"))
            spin.valueChanged.connect(self._on_qty_value_changed)
            table.setCellWidget(row, QTY_COLUMN, spin)
            self._spins[line.sku] = spin
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(LINE_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _chain_tab_order(self) -> None:
        """Tab goes down the dialog as it reads: what to refund, the quantities, why, how, then the buttons."""
        chain = [self.full_radio, self.lines_radio, self.amount_radio, self.amount_edit, *self._spins.values(),
                 self.reason, self.cash_check, self.confirm_button, self.cancel_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

    # -- choices -------------------------------------------------------------------------------

    def spin_for(self, sku: str) -> QSpinBox:
        return self._spins[sku]

    def chosen_lines(self) -> list[tuple[str, int]]:
        return [(sku, spin.value()) for sku, spin in self._spins.items() if spin.value() > 0]

    @property
    def reason_code(self) -> str:
        return self.reason.currentData()

    def _on_qty_value_changed(self, _value: int) -> None:
        if self.chosen_lines() and not self.lines_radio.isChecked():
            self.lines_radio.setChecked(True)
        self._update_preview()

    def _on_mode_toggled(self, _checked: bool) -> None:
        self._update_preview()

    def _on_amount_edit_text_edited(self, _text: str) -> None:
        if not self.amount_radio.isChecked():
            self.amount_radio.setChecked(True)
        self._update_preview()

    def _typed_amount(self) -> tuple[int, str | None]:
        try:
            money = parse_money(self.amount_edit.text(), self.order.currency)
        except MoneyError as exc:
            return 0, _("The amount: {reason}").format(reason=exc)
        if money.amount <= 0:
            return 0, _("The amount to refund is more than zero.")
        if money.amount > self.left_to_refund:
            return 0, _("Only {amount} is left to refund.").format(amount=self._money(self.left_to_refund))
        return money.amount, None

    def preview(self) -> tuple[int, str | None]:
        """(amount this refund would give back, why it can't be made or None)."""
        if self.left_to_refund <= 0:
            return 0, _("Order {number} is already refunded in full.").format(number=self.order.number)
        if self.full_radio.isChecked():
            return self.left_to_refund, None
        if self.amount_radio.isChecked():
            return self._typed_amount()
        lines = self.chosen_lines()
        if not lines:
            return 0, _("Choose how many of which items to refund.")
        try:
            amount, detail = line_refund(self.order, lines, self._earlier)
        except UserFacingError as exc:
            return 0, str(exc)
        self._show_line_amounts({row["sku"]: row["amount"] for row in detail})
        return amount, None

    def _show_line_amounts(self, amounts: dict[str, int]) -> None:
        for row, line in enumerate(self.order.lines):
            text = self._money(amounts[line.sku]) if line.sku in amounts else ""
            self.lines_table.item(row, AMOUNT_COLUMN).setText(text)

    def _update_preview(self) -> None:
        if not self.lines_radio.isChecked() or not self.chosen_lines():
            self._show_line_amounts({})
        amount, problem = self.preview()
        if problem:
            self.amount_label.setText(problem)
            self.confirm_button.setText(_("Refund"))
        else:
            self.amount_label.setText(_("Refund {amount} to {card}").format(
                amount=self._money(amount), card=card_text(self.order)))
            self.confirm_button.setText(_("Refund {amount}").format(amount=self._money(amount)))
        self.confirm_button.setEnabled(problem is None and not self.busy)

    # -- the refund ----------------------------------------------------------------------------

    def _on_confirm_clicked(self) -> None:
        if self.busy or not self.confirm_button.isEnabled():
            return
        self.confirm_button.setEnabled(False)  # first thing: a second click finds it disabled
        amount, problem = self.preview()
        if problem:
            self._show_error(problem)
            return
        self._set_busy(True)
        self.error_label.hide()
        self.amount_label.setText(_("Refunding {amount}…").format(amount=self._money(amount)))
        order_id, reason, to_cash = self.order.id, self.reason_code, self.cash_check.isChecked()
        lines = self.chosen_lines() if self.lines_radio.isChecked() else None
        part = amount if self.amount_radio.isChecked() else None
        refund = self._refund
        log.info("refund of order %s asked: %s%s", self.order.number, "lines" if lines else "everything left",
                 " in cash" if to_cash else "")
        self._asked = asked = lambda pin: refund(order_id, amount=part, reason=reason, lines=lines, to_cash=to_cash,
                                                 manager_pin=pin)
        self._queue.submit(f"refund {self.order.number}", lambda: asked(None), self._on_refund_succeeded,
                           self._on_refund_failed)

    def _on_refund_succeeded(self, record: RefundRecord) -> None:
        self._set_busy(False)
        self.record = record
        self.refunded.emit(record)
        self.accept()

    def _on_refund_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        text = str(exc) if isinstance(exc, UserFacingError) else _("The refund failed unexpectedly (see the log).")
        # Whatever happened, show the order as the store now has it (a refusal changes nothing).
        self.order = self._orders.get(self.order.id) or self.order
        self._load_refunds()
        for line in self.order.lines:
            spin = self._spins[line.sku]
            spin.setMaximum(max(0, line.qty - self._returned[line.sku]))
        self._update_preview()
        self._show_error(text)
        self.refund_failed.emit(text)
        if isinstance(exc, ApprovalRequired) and self._asked is not None:  # a manager's PIN redoes it
            self.approval = ask_approval(self, text, self._queue, f"refund {self.order.number}", self._asked,
                                         self._on_refund_succeeded, self._on_refund_failed)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.full_radio, self.lines_radio, self.lines_table, self.reason, self.cancel_button):
            widget.setEnabled(not busy)
        if busy:
            self.confirm_button.setEnabled(False)

    def reject(self) -> None:
        if self.busy:  # the refund is on its way: its answer must be seen
            return
        super().reject()

    def _money(self, amount: int) -> str:
        return format_money(Money(amount, self.order.currency), self._locale)
