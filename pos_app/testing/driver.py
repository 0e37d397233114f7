"""PosDriver: a page object that works the till as a cashier does.

Every action is a real key or mouse event on the real widget (the card goes into the card iframe
key by key), then a wait (qtbot.waitUntil / waitSignal, never sleep) for what a person would see.
A wait that runs out raises AssertionError saying what was on screen.

Reading state (cart(), total_text(), receipt_text(), ...) looks at what the widgets show. Where the
screen holds less than a test wants (last_order()'s minor units, payment_intent_status()), the
driver asks the window's own contexts (`local`, `payments`), never private attributes.

PosDriver is layers, one job each: TillScreen (screen.py: reading, waiting, clicking),
PaymentDriving (paying.py: the payment dialog), TenderDriving (tendering.py: cash, card parts,
tenders), ReaderDriving (reader.py: the card reader), DeviceDriving (devices.py: the drawer and the receipt
printer), CashOfficeDriving
(cash_office.py: shifts), PeopleDriving (people.py: log-in, Lock, approvals, refunds, the journal)
and this module (the catalogue, the cart, restart).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from pos_app.qt.cart_model import CartColumn
from pos_app.qt.catalogue_model import CatalogueColumn
from pos_app.testing.cash_office import CashOfficeDriving
from pos_app.testing.devices import DeviceDriving
from pos_app.testing.parking import ParkingDriving
from pos_app.testing.paying import DECLINED, REQUIRES_ACTION, SUCCEEDED
from pos_app.testing.people import APPROVAL_REQUIRED, PeopleDriving
from pos_app.testing.screen import PAYMENT_TIMEOUT_MS, UI_TIMEOUT_MS
from pos_app.testing.reader import ReaderDriving
from pos_app.testing.terms import TermsDriving

MANY = 5  # add(sku, qty) above this types the quantity into the cart instead of pressing Enter qty times


class PosDriver(PeopleDriving, DeviceDriving, ReaderDriving, CashOfficeDriving, TermsDriving, ParkingDriving):
    """Drive the till window `window` with `qtbot`; `app` is the AppCore it runs on (optional).

    `reopen(app, window)` closes both and returns a new (app, window) pair on the same settings:
    restart() uses it.
    """

    def __init__(self, qtbot, window, *, app=None, reopen: Callable | None = None,
                 ui_timeout: int = UI_TIMEOUT_MS, payment_timeout: int = PAYMENT_TIMEOUT_MS) -> None:
        super().__init__(qtbot, window, app=app, ui_timeout=ui_timeout, payment_timeout=payment_timeout)
        self._reopen = reopen

    # -- the catalogue -----------------------------------------------------------------------------

    def search(self, text: str) -> list[str]:
        """Type text into the search field (replacing what was there); return the SKUs listed."""
        self._ready_for_cart_action(f"search for {text!r}")
        search = self.window.search
        self._click(search)
        QTest.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        if text:
            QTest.keyClicks(search, text)
        else:
            QTest.keyClick(search, Qt.Key.Key_Backspace)
        self._wait(lambda: search.text() == text, f"the search field to show {text!r}")
        return self.catalogue_skus()

    def catalogue_skus(self) -> list[str]:
        """The SKU column of the catalogue list as shown (its first page)."""
        model = self.window.catalogue_table.model()
        return [model.index(row, CatalogueColumn.SKU).data() for row in range(model.rowCount())]

    def scan(self, barcode: str) -> str:
        """Scan a barcode: the scanner types the digits into the search field, then Enter.

        Returns the SKU whose quantity went up by one.
        """
        self._ready_for_cart_action(f"scan {barcode!r}")
        before, message = self.cart(), self._message()
        search = self.window.search
        self._click(search)
        QTest.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(search, barcode)
        QTest.keyClick(search, Qt.Key.Key_Return)
        self._wait(lambda: sum(self.cart().values()) == sum(before.values()) + 1,
                   f"scanning {barcode!r} to add one item to the cart (it was {before})",
                   fail=self._new_error(message))
        after = self.cart()
        return next(sku for sku, qty in after.items() if qty != before.get(sku, 0))

    def add(self, sku: str, qty: int = 1) -> None:
        """Find the item by its SKU, click its row, and press Enter once per unit."""
        if qty < 1:
            raise ValueError(f"add() takes a quantity of 1 or more, got {qty}; use set_qty() or remove()")
        self._ready_for_cart_action(f"add {sku}")
        listed = self.search(sku)
        if sku not in listed:
            raise AssertionError(f"no item {sku!r} in the catalogue list after searching for it; the list shows "
                                 f"{listed[:10]}{' …' if len(listed) > 10 else ''}.\n{self.screen()}")
        table = self.window.catalogue_table
        self._click_cell(table, table.model().index(listed.index(sku), CatalogueColumn.NAME))
        before, message = self.cart().get(sku, 0), self._message()
        for _ in range(min(qty, MANY)):
            QTest.keyClick(table, Qt.Key.Key_Return)
        self._wait(lambda: self.cart().get(sku, 0) == before + min(qty, MANY),
                   f"{sku} × {before + min(qty, MANY)} in the cart", fail=self._new_error(message))
        if qty > MANY:
            self.set_qty(sku, before + qty)

    # -- the cart ----------------------------------------------------------------------------------

    def set_qty(self, sku: str, qty: int) -> None:
        """Click the line's quantity, type the new one, Enter (0 removes the line)."""
        if qty < 0:
            raise ValueError(f"a quantity is 0 or more, got {qty}")
        table = self._select_cart_line(sku, f"set {sku} to {qty}")
        expected = {s: (qty if s == sku else q) for s, q in self.cart().items() if s != sku or qty}
        message = self._message()
        digits = str(qty)
        QTest.keyClicks(table, digits[0])  # a digit opens the quantity editor with it
        self._wait(lambda: table.state() == QAbstractItemView.State.EditingState,
                   f"the quantity editor of {sku} to open")
        editor = QApplication.focusWidget()
        if editor is None:
            raise AssertionError(f"the quantity editor of {sku} has no keyboard focus.\n{self.screen()}")
        QTest.keyClicks(editor, digits[1:])
        QTest.keyClick(editor, Qt.Key.Key_Return)
        self._wait(lambda: self.cart() == expected, f"the cart to show {expected}", fail=self._new_error(message))

    def remove(self, sku: str) -> None:
        """Click the line, press Delete."""
        table = self._select_cart_line(sku, f"remove {sku}")
        message = self._message()
        QTest.keyClick(table, Qt.Key.Key_Delete)
        self._wait(lambda: sku not in self.cart(), f"{sku} to leave the cart", fail=self._new_error(message))

    def clear_cart(self) -> None:
        """Click "Clear cart"."""
        self._ready_for_cart_action("clear the cart")
        button = self.window.clear_button
        if not button.isEnabled():
            raise AssertionError(f"the Clear cart button is disabled (an empty cart, or a payment open or in "
                                 f"doubt).\n{self.screen()}")
        self._click(button)
        self._wait(lambda: not self.cart(), "an empty cart")

    def _select_cart_line(self, sku: str, what: str):
        self._ready_for_cart_action(what)
        cart = self.cart()
        if sku not in cart:
            raise AssertionError(f"cannot {what}: the cart shows {cart}; expected {sku} in it.\n{self.screen()}")
        if self.window.cart_model.snapshot.frozen:
            raise AssertionError(f"cannot {what}: the cart is locked while a payment is open.\n{self.screen()}")
        table = self.window.cart_table
        self._click_cell(table, table.model().index(list(cart).index(sku), CartColumn.QTY))
        return table

    # -- the whole till ----------------------------------------------------------------------------

    def restart(self) -> None:
        """Close the window and stop the core, then start both again on the same data folder."""
        if self._reopen is None:
            raise AssertionError("this PosDriver was made without reopen=: it cannot restart the till")
        self._close_receipt()
        (self.app, self.window), self._last_payment_intent = self._reopen(self.app, self.window), None


__all__ = ["APPROVAL_REQUIRED", "DECLINED", "PosDriver", "REQUIRES_ACTION", "SUCCEEDED"]
