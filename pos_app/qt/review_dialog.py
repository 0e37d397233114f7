"""The review list (objectName reviewDialog): payments that are no sale, refunded from here.

Opened from the order history ("Review list (N)…"). Refunds run on the history window's worker
queue (ReviewDesk talks to the card processor), never on the GUI thread; a second click while one
is on its way does nothing, and the refund is keyed per payment, so it happens once.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, \
    QVBoxLayout, QWidget

from pos_app.domain import Money, format_money
from pos_app.i18n import N_, _
from pos_app.qt.approval_dialog import ApprovalDialog, ask_approval
from pos_app.qt.forms import child, load_form
from pos_app.qt.style import STATUS_STYLE, show_kind
from pos_app.qt.workers import TaskRunner
from pos_app.staff.service import ApprovalRequired
from pos_app.store import ReviewItem

COLUMNS = (N_("When"), N_("Amount"), N_("Card"), N_("Why"), N_("Payment"), N_("Status"))
STATUS_TEXT = {"open": N_("to refund"), "refunding": N_("refund on its way"), "refunded": N_("refunded")}


class ReviewDialog(QDialog):
    refunded = Signal(object)  # ReviewItem

    def __init__(self, desk, settings, queue: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle(_("Review list"))
        self._desk, self._settings = desk, settings
        self._queue = queue  # the owner's: it joins it when it shuts down
        self.busy = False
        self._asked: int | None = None  # the review item whose refund was asked for last
        self.approval: ApprovalDialog | None = None  # a manager's PIN asked for, for a cashier's refund
        self.items: list[ReviewItem] = []
        form = load_form("review_dialog.ui", self)
        form.setStyleSheet(STATUS_STYLE)
        QVBoxLayout(self).addWidget(form)
        self.table: QTableWidget = child(form, QTableWidget, "reviewTable")
        self.status: QLabel = child(form, QLabel, "reviewStatus")
        self.refund_button: QPushButton = child(form, QPushButton, "reviewRefundButton")
        self.close_button: QPushButton = child(form, QPushButton, "reviewCloseButton")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(column) for column in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_: self._update_actions())
        self.table.cellActivated.connect(lambda *_: self.refund_selected())
        self.refund_button.clicked.connect(self.refund_selected)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+R"), self, self.refund_selected)
        self.resize(960, 420)
        self.reload()
        if any(item.status == "refunding" for item in self.items):  # refunds Stripe left pending
            self._queue.submit("review-follow-up", self._desk.follow_up,
                               lambda changed: self.reload() if changed else None)

    def reload(self) -> None:
        self.items = self._desk.items()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            when = datetime.fromtimestamp(item.created_at).strftime("%Y-%m-%d %H:%M")
            cells = (when, format_money(Money(item.amount, item.currency), self._settings.locale),
                     f"{(item.card_brand or '-').title()} {item.card_last4 or '----'}",
                     f"{item.reason_text}: {item.details}", item.payment_intent,
                     _(STATUS_TEXT[item.status]) if item.status in STATUS_TEXT else item.status)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)  # plain text: nothing stored is read as markup
                cell.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, column, cell)
        if self.items and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._update_actions()

    @property
    def current(self) -> ReviewItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update_actions(self) -> None:
        item = self.current
        self.refund_button.setEnabled(not self.busy and item is not None and item.status != "refunded")

    def refund_selected(self) -> None:
        item = self.current
        if self.busy or item is None or item.status == "refunded":
            return
        self.busy = True
        self._update_actions()
        self._set_status(_("Refunding {amount} to the card…").format(
            amount=format_money(Money(item.amount, item.currency), self._settings.locale)))
        self._asked = item.id
        self._queue.submit("review-refund", lambda: self._desk.refund(item.id), self._on_refunded,
                           self._on_failed)

    def _on_refunded(self, item: ReviewItem) -> None:
        self.busy = False
        self.reload()
        amount = format_money(Money(item.amount, item.currency), self._settings.locale)
        self._set_status(_("Refunded {amount} of {payment} ({refund}).").format(
            amount=amount, payment=item.payment_intent, refund=item.refund_id))
        self.refunded.emit(item)

    def _on_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.reload()
        review_id = self._asked
        if isinstance(exc, ApprovalRequired) and review_id is not None:  # a cashier: a manager's PIN refunds it
            self._set_status(str(exc), error=True)
            self.approval = ask_approval(self, str(exc), self._queue, _("refund the payment"),
                                         lambda pin: self._desk.refund(review_id, manager_pin=pin),
                                         self._on_refunded, self._on_failed)
            return
        self._set_status(_("Not refunded: {reason}").format(reason=exc), error=True)

    def _set_status(self, text: str, error: bool = False) -> None:
        show_kind(self.status, text, "error" if error else "ok")

    def reject(self) -> None:
        if not self.busy:  # a refund on its way must be seen
            super().reject()
