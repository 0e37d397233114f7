"""TillScreen: what PosDriver reads off the till and how it waits for it (the base of PosDriver).

Reading state (cart(), total_text(), screen(), ...) looks at what the widgets show; every wait is
qtbot.waitUntil and, when it runs out, an AssertionError saying what was on screen. The actions
are in paying.py (the payment dialog) and driver.py (catalogue and cart).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.domain.money import currency_digits
from pos_app.qt.cart_model import QTY_ROLE, SKU_ROLE, CartColumn
from pos_app.testing import webdriving as web

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext, PaymentsContext
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.payment_dialog import PaymentDialog

UI_TIMEOUT_MS = 5_000  # a widget reacting to a key or a click
PAYMENT_TIMEOUT_MS = 20_000  # the card processor (the training sandbox) and the checkout worker

#: A fail= for TillScreen._wait: returns a reason to stop waiting early (a str), or something falsy.
Failure = Callable[[], Any]


class TillScreen:
    """The till window of `app` as a person sees it, and the waits a person would make.

    `window` is the MainWindow (replaced by PosDriver.restart()); `app` the AppCore it runs on.
    """

    def __init__(self, qtbot, window: MainWindow, *, app=None, ui_timeout: int = UI_TIMEOUT_MS,
                 payment_timeout: int = PAYMENT_TIMEOUT_MS) -> None:
        self.qtbot = qtbot
        self.window = window
        self.app = app
        self.ui_timeout = ui_timeout
        self.payment_timeout = payment_timeout

    # -- what the driver works on ------------------------------------------------------------------

    @property
    def local(self) -> LocalContext:
        """The window's local context: settings, store, carts."""
        return self.window.local

    @property
    def payments(self) -> PaymentsContext:
        """The window's payments context (gateway, checkout, endpoint): the till is started."""
        payments = self.window.payments
        if payments is None:
            raise AssertionError(f"the till's payments have not started.\n{self.screen()}")
        return payments

    @property
    def dialog(self) -> PaymentDialog | None:
        """The payment dialog while it is open, else None."""
        return self.window.payment_dialog

    # -- reading the screen ------------------------------------------------------------------------

    def cart(self) -> dict[str, int]:
        """The cart as listed on screen: {sku: qty}, in the order of the lines."""
        model = self.window.cart_table.model()
        return {model.index(row, CartColumn.QTY).data(SKU_ROLE): model.index(row, CartColumn.QTY).data(QTY_ROLE)
                for row in range(model.rowCount())}

    def total_text(self) -> str:
        """The total as the till shows it, e.g. '$25.00'."""
        return self.window.total_label.text()

    def total_minor(self) -> int:
        """The total shown, in minor units (the till always shows all of the currency's digits)."""
        digits = re.sub(r"\D", "", self.total_text())
        if not digits:
            raise AssertionError(f"the total label shows no amount: {self.total_text()!r}")
        return int(digits)

    def screen(self) -> str:
        """What a person would see now, in a few lines (used in every failure message)."""
        window = self.window
        parts = [f"On screen: cart {self.cart()}, total {self.total_text()!r}, "
                 f"Charge {'enabled' if window.charge_button.isEnabled() else 'disabled'}"]
        if window.message_label.isVisible() and window.message_label.text():
            parts.append(f"till message ({window.message_label.property('kind')}): {window.message_label.text()!r}")
        if window.doubt_banner.isVisible():
            parts.append("the 'payment in doubt' banner is up")
        dialog = self.dialog
        if dialog is not None:
            shown = "receipt" if dialog.order is not None else "card page"
            parts.append(f"payment dialog ({shown}): page state {dialog.page_state!r}, page message "
                         f"{self._page_message(dialog)!r}, status {dialog.status_label.text()!r}")
        return "; ".join(parts)

    def _message(self) -> tuple[str, str]:
        label = self.window.message_label
        return label.text(), label.property("kind")

    def _page_message(self, dialog: PaymentDialog) -> str:
        try:
            return web.run_js(self.qtbot, dialog.page,
                              "(document.getElementById('payment-message') || {}).textContent || ''", 2000) or ""
        except Exception:  # describing the screen must never hide the real failure
            return "(unreadable)"

    # -- waiting -----------------------------------------------------------------------------------

    def _wait(self, condition: Callable[[], object], expected: str, timeout: int | None = None,
              fail: Failure | None = None) -> None:
        """Wait until condition() is true. fail() may return a reason to stop early (a str)."""
        reason: list = [None]

        def check() -> bool:
            if fail is not None:
                reason[0] = fail()
                if reason[0]:
                    return True
            return bool(condition())

        timeout = timeout or self.ui_timeout
        try:
            self.qtbot.waitUntil(check, timeout=timeout)
        except self.qtbot.TimeoutError:
            raise AssertionError(f"waited {timeout / 1000:g} s for {expected}.\n{self.screen()}") from None
        if reason[0]:
            raise AssertionError(f"expected {expected}, but {reason[0]}.\n{self.screen()}")

    def _new_error(self, before: tuple[str, str]) -> Failure:
        """A fail= for _wait: the till showed a new error message."""
        def changed():
            now = self._message()
            return now != before and now[1] == "error" and f"the till says {now[0]!r}"
        return changed

    def _amount_text(self, amount: int) -> str:
        """Minor units as a cashier types them: 2000 usd -> '20.00'."""
        digits = currency_digits(self.window.settings.currency)
        return f"{Decimal(amount).scaleb(-digits):.{digits}f}"

    # -- clicking, and the receipt in the way ------------------------------------------------------

    def _click(self, widget) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def _click_cell(self, table, index) -> None:
        table.scrollTo(index)
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
        self._wait(lambda: table.currentIndex().row() == index.row() and table.hasFocus(),
                   f"row {index.row() + 1} of {table.objectName()} to be selected")

    def new_sale(self) -> None:
        """On the receipt, press Enter ("New sale"): the dialog closes, the till is ready."""
        dialog = self.dialog
        if dialog is None or (dialog.order is None and dialog.part_paid is None):
            raise AssertionError(f"no receipt is shown.\n{self.screen()}")
        QTest.keyClick(dialog.done_button, Qt.Key.Key_Return)
        self._wait(lambda: self.dialog is None, "the receipt to close")

    def _close_receipt(self) -> None:
        if self.dialog is not None and (self.dialog.order is not None or self.dialog.part_paid is not None):
            self.new_sale()  # a receipt, or a card part paid: Done goes back to the till

    def _ready_for_cart_action(self, what: str) -> None:
        """A receipt on screen is closed first ("New sale"), as a cashier does; an open payment is an error."""
        self._close_receipt()
        if self.dialog is not None:
            raise AssertionError(f"cannot {what}: the payment dialog is open (pay, or cancel_payment() first)."
                                 f"\n{self.screen()}")
