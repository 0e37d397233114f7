"""CashDialog (objectName cashDialog, form ui/cash_dialog.ui): the amount due, the cash, quick amounts, the change.

Keyboard first: it opens with the tendered field focused; Enter on an empty field takes exactly
the amount due (rounded to the currency's cash), a typed amount is what the customer handed
over, the quick buttons (the exact amount, then the next notes) take theirs at once. The dialog
only asks: `tender_requested(amount or None)` goes to the window's TenderControls, which runs the
tender on the worker and hands back the result (show_taken) or the reason it was refused
(show_refused). Then the change is shown large, and Enter or Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.domain import Money, format_money
from pos_app.domain.money import MoneyError, currency_digits, parse_money
from pos_app.domain.tenders import quick_amounts
from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.numpad import attach_numpad
from pos_app.qt.style import show_kind

CASH_STYLE = """
QLabel#cashDue { font-size: 20pt; font-weight: 700; color: #111827; }
QLabel#cashChange { font-size: 30pt; font-weight: 800; color: #166534; }
QLineEdit#cashTendered { font-size: 16pt; min-height: 40px; }
QPushButton { font-size: 12pt; min-height: 44px; padding: 0 12px; }
QLabel#cashStatus[kind="error"] { color: #991b1b; font-weight: 600; }
"""


class CashDialog(QDialog):
    tender_requested = Signal(object)  # int (minor units tendered) or None (exactly the amount due)

    def __init__(self, cash_due: int, currency: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashDialog")
        self.setWindowTitle(_("Cash"))
        self.setModal(True)
        self.setStyleSheet(CASH_STYLE)
        self.currency, self.money_locale = currency, locale
        self.taken = None  # CashTaken, once the tender is recorded
        self._busy = False
        self._build(cash_due)
        self.tendered.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build(self, cash_due: int) -> None:
        form = load_form("cash_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.due_label: QLabel = child(form, QLabel, "cashDue")
        self.due_label.setText(_("Due in cash: {amount}").format(amount=self.money(cash_due)))
        self.tendered: QLineEdit = child(form, QLineEdit, "cashTendered")
        self.tendered.returnPressed.connect(self._on_tendered_return_pressed)
        self.numpad = attach_numpad(self.tendered, "cashNumpad", point="." if currency_digits(self.currency) else "")
        self.quick_buttons = self._quick_buttons(child(form, QWidget, "cashQuickAmounts"), cash_due)
        self.change_label: QLabel = child(form, QLabel, "cashChange")
        self.change_label.hide()
        self.status_label: QLabel = child(form, QLabel, "cashStatus")
        self.done_button: QPushButton = child(form, QPushButton, "cashDoneButton")
        self.done_button.clicked.connect(self.accept)
        self.done_button.hide()

    def _quick_buttons(self, box: QWidget, cash_due: int) -> list[QPushButton]:
        """The exact amount, then the next notes above it: they depend on the sale, so they are made here."""
        row = child(box, QHBoxLayout, "cashQuickLayout")
        buttons = []
        for number, amount in enumerate(quick_amounts(cash_due, self.currency) if cash_due else []):
            button = QPushButton(self.money(amount), box)
            button.setObjectName(f"cashQuick{number}")
            button.setAutoDefault(False)
            button.setAccessibleDescription(_("The customer hands over this amount: it is taken at once"))
            button.clicked.connect(lambda _checked=False, a=amount: self._request(a))
            row.addWidget(button)
            buttons.append(button)
        return buttons

    def money(self, amount: int) -> str:
        return format_money(Money(amount, self.currency), self.money_locale)

    # -- asking --------------------------------------------------------------------------------

    def _on_tendered_return_pressed(self) -> None:
        text = self.tendered.text().strip()
        if not text:
            self._request(None)
            return
        try:
            amount = parse_money(text, self.currency).amount
        except MoneyError as exc:
            show_kind(self.status_label, str(exc), "error")
            return
        self._request(amount)

    def _request(self, amount: int | None) -> None:
        if self._busy or self.taken is not None:
            return
        self._busy = True
        self.tendered.setEnabled(False)
        for button in self.quick_buttons:
            button.setEnabled(False)
        show_kind(self.status_label, _("Taking the cash…"), "info")
        self.tender_requested.emit(amount)

    # -- the answer ----------------------------------------------------------------------------

    def show_taken(self, taken) -> None:
        """The tender is recorded: the change large, and the sale's outcome."""
        self._busy, self.taken = False, taken
        self.change_label.setText(_("Change: {amount}").format(amount=self.money(taken.change)))
        self.change_label.show()
        if taken.order is not None:
            text = _("Sale {number} paid. Give {amount} change.").format(number=taken.order.number,
                                                                  amount=self.money(taken.change))
        else:
            text = _("Cash taken. Still due: {amount}.").format(amount=self.money(taken.remaining))
        show_kind(self.status_label, text, "info")
        self.done_button.show()
        self.adjustSize()  # room for the change as it wraps (longer in some languages)
        self.done_button.setDefault(True)
        self.done_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_refused(self, text: str) -> None:
        self._busy = False
        self.tendered.setEnabled(True)
        for button in self.quick_buttons:
            button.setEnabled(True)
        show_kind(self.status_label, text, "error")
        self.tendered.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if self._busy:  # the tender is being recorded: closing would hide its outcome
            return
        super().reject()
