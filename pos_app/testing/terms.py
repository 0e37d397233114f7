"""TermsDriving: discounts, a line's price and the manager's PIN prompt worked as a cashier does (PosDriver's part).

discount() presses Discount… (F6), picks what it comes off, types the percentage or the amount and
the reason, Enter; override_price() selects the line, Ctrl+F6, types the price and reason, Enter.
Both return "applied", or "approval_required" while the manager's PIN prompt (approvalDialog) is
open; approve(pin) types the PIN into approvalPin and presses Enter.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.domain.money import currency_digits
from pos_app.qt.cart_model import CartColumn
from pos_app.testing.screen import TillScreen

APPLIED, APPROVAL_REQUIRED = "applied", "approval_required"


class TermsDriving(TillScreen):
    """Discount… (F6), a line's price (Ctrl+F6) and approve(pin)."""

    def discount(self, percent: str | int | None = None, amount: int | None = None, sku: str | None = None,
                 reason: str = "") -> str:
        """A discount off line `sku` (None: the whole sale): `percent` as typed ("12.5") or `amount` in
        minor units, with `reason`. Returns "applied" or "approval_required" (then approve(pin))."""
        terms = self.window.terms
        self._click(terms.button)
        self._wait(lambda: terms.dialog is not None, "the discount dialog to open")
        dialog = terms.dialog
        assert dialog is not None
        dialog.target.setCurrentIndex(dialog.target.findData(sku or ""))
        if percent is not None:
            QTest.keyClicks(dialog.percent, str(percent))
        if amount is not None:
            QTest.keyClicks(dialog.amount, self._terms_amount(amount))
        QTest.keyClicks(dialog.reason, reason)
        return self._give(dialog)

    def override_price(self, sku: str, unit_price: int, reason: str = "Price match") -> str:
        """Select the line, Ctrl+F6, type the new unit price (minor units) and the reason, Enter.
        Returns "applied" or "approval_required" (a cashier overriding a catalogue price)."""
        window, terms = self.window, self.window.terms
        row = window.cart_model.row_of(sku)
        if row < 0:
            raise AssertionError(f"{sku} is not in the cart.\n{self.screen()}")
        window.select_cart_row(row)
        window.cart_table.setFocus()
        self._wait(lambda: window.cart_table.currentIndex().row() == row, f"the cart line {sku} to be selected")
        terms.open_price()
        self._wait(lambda: terms.dialog is not None, "the price dialog to open")
        dialog = terms.dialog
        assert dialog is not None
        QTest.keyClicks(dialog.amount, self._terms_amount(unit_price))
        QTest.keyClicks(dialog.reason, reason)
        return self._give(dialog)

    def cart_line_total(self, sku: str) -> str:
        """The Total cell of the cart line as shown."""
        model = self.window.cart_model
        return model.index(model.row_of(sku), CartColumn.LINE_TOTAL).data()

    def _give(self, dialog) -> str:
        terms = self.window.terms
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
        self._wait(lambda: terms.dialog is None or dialog.status.property("kind") == "error",
                   "the dialog to apply the change or say why not")
        if terms.dialog is not None:
            raise AssertionError(f"the {dialog.objectName()} says {dialog.status.text()!r}.\n{self.screen()}")
        return APPROVAL_REQUIRED if terms.approval is not None else APPLIED

    def _terms_amount(self, amount: int) -> str:
        digits = currency_digits(self.window.settings.currency)
        return f"{Decimal(amount).scaleb(-digits):.{digits}f}"
