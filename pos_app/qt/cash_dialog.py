"""CashDialog (objectName cashDialog): the amount due, the cash tendered, quick amounts, the change shown large.

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
from pos_app.domain.money import MoneyError, parse_money
from pos_app.domain.tenders import quick_amounts
from pos_app.qt.style import show_kind

CASH_STYLE = """
QLabel#cashDue { font-size: 20pt; font-weight: 700; color: #111827; }
QLabel#cashChange { font-size: 30pt; font-weight: 800; color: #166534; }
QLineEdit#cashTendered { font-size: 16pt; min-height: 40px; }
QPushButton { font-size: 12pt; min-height: 40px; padding: 0 12px; }
QLabel#cashStatus[kind="error"] { color: #991b1b; font-weight: 600; }
"""


class CashDialog(QDialog):
    tender_requested = Signal(object)  # int (minor units tendered) or None (exactly the amount due)

    def __init__(self, cash_due: int, currency: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashDialog")
        self.setWindowTitle("Cash")
        self.setModal(True)
        self.setStyleSheet(CASH_STYLE)
        self.currency, self.money_locale = currency, locale
        self.taken = None  # CashTaken, once the tender is recorded
        self._busy = False
        layout = QVBoxLayout(self)
        self.due_label = self._label("cashDue", f"Due in cash: {self.money(cash_due)}", layout)
        self.tendered = QLineEdit(self)
        self.tendered.setObjectName("cashTendered")
        self.tendered.setPlaceholderText("Cash handed over (Enter: the exact amount)")
        self.tendered.returnPressed.connect(self._on_tendered_return_pressed)
        layout.addWidget(self.tendered)
        quick = QHBoxLayout()
        self.quick_buttons = []
        for number, amount in enumerate(quick_amounts(cash_due, currency) if cash_due else []):
            button = QPushButton(self.money(amount), self)
            button.setObjectName(f"cashQuick{number}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, a=amount: self._request(a))
            quick.addWidget(button)
            self.quick_buttons.append(button)
        layout.addLayout(quick)
        self.change_label = self._label("cashChange", "", layout)
        self.change_label.hide()
        self.status_label = self._label("cashStatus", "Enter takes the exact amount; Esc cancels.", layout)
        self.done_button = QPushButton("Done   Enter", self)
        self.done_button.setObjectName("cashDoneButton")
        self.done_button.clicked.connect(self.accept)
        self.done_button.hide()
        layout.addWidget(self.done_button)
        self.tendered.setFocus(Qt.FocusReason.OtherFocusReason)

    def _label(self, name: str, text: str, layout: QVBoxLayout) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        layout.addWidget(label)
        return label

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
        show_kind(self.status_label, "Taking the cash…", "info")
        self.tender_requested.emit(amount)

    # -- the answer ----------------------------------------------------------------------------

    def show_taken(self, taken) -> None:
        """The tender is recorded: the change large, and the sale's outcome."""
        self._busy, self.taken = False, taken
        self.change_label.setText(f"Change: {self.money(taken.change)}")
        self.change_label.show()
        if taken.order is not None:
            text = f"Sale {taken.order.number} paid. Give {self.money(taken.change)} change."
        else:
            text = f"Cash taken. Still due: {self.money(taken.remaining)}."
        show_kind(self.status_label, text, "info")
        self.done_button.show()
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
