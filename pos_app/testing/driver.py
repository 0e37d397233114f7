"""PosDriver: a page object that works the till as a cashier does.

Every action is a real key or mouse event on the real widget (the card goes into the card iframe
key by key), then a wait (qtbot.waitUntil / waitSignal, never sleep) for what a person would see.
A wait that runs out raises AssertionError saying what was on screen.

Reading state (cart(), total_text(), receipt_text(), ...) looks at what the widgets show. Where the
screen holds less than a test wants (last_order()'s minor units, payment_intent_status()), the
driver asks the application's own services, never its private attributes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from pos_app.qt.cart_model import QTY_ROLE, SKU_ROLE, CartColumn
from pos_app.qt.catalogue_model import CatalogueColumn
from pos_app.testing import webdriving as web
from pos_app.web.payloads import order_json

UI_TIMEOUT_MS = 5_000  # a widget reacting to a key or a click
PAYMENT_TIMEOUT_MS = 20_000  # the card processor (the training sandbox) and the checkout worker
REFUSAL_GRACE_S = 1.0  # how long the page may take to answer Pay, or to say why it failed
MANY = 5  # add(sku, qty) above this types the quantity into the cart instead of pressing Enter qty times

SUCCEEDED, DECLINED, REQUIRES_ACTION = "succeeded", "declined", "requires_action"


class PosDriver:
    """Drive the till window of `app` (a started AppCore) with `qtbot`.

    `window` is the MainWindow (replaced by restart()); `app` is the core it runs on.
    `reopen(settings)` returns a new (core, window) pair on the same settings: restart() uses it.
    """

    def __init__(self, qtbot, window, *, reopen: Callable | None = None,
                 ui_timeout: int = UI_TIMEOUT_MS, payment_timeout: int = PAYMENT_TIMEOUT_MS) -> None:
        self.qtbot = qtbot
        self.window = window
        self.ui_timeout = ui_timeout
        self.payment_timeout = payment_timeout
        self._reopen = reopen
        self._last_payment_intent: str | None = None

    # -- what the driver works on --------------------------------------------------------------

    @property
    def app(self):
        """The AppCore behind the window (.url, .token, .sandbox_url, .services)."""
        return self.window.core

    @property
    def services(self):
        return self.window.services

    @property
    def dialog(self):
        """The payment dialog while it is open, else None."""
        return self.window.payment_dialog

    # -- the catalogue -------------------------------------------------------------------------

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

    # -- the cart ------------------------------------------------------------------------------

    def cart(self) -> dict[str, int]:
        """The cart as listed on screen: {sku: qty}, in the order of the lines."""
        model = self.window.cart_table.model()
        return {model.index(row, CartColumn.QTY).data(SKU_ROLE): model.index(row, CartColumn.QTY).data(QTY_ROLE)
                for row in range(model.rowCount())}

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

    def total_text(self) -> str:
        """The total as the till shows it, e.g. '$25.00'."""
        return self.window.total_label.text()

    def total_minor(self) -> int:
        """The total shown, in minor units (the till always shows all of the currency's digits)."""
        digits = re.sub(r"\D", "", self.total_text())
        if not digits:
            raise AssertionError(f"the total label shows no amount: {self.total_text()!r}")
        return int(digits)

    # -- the payment ---------------------------------------------------------------------------

    def charge(self) -> str:
        """Click Charge; wait until the payment dialog's card form is ready. Returns the PaymentIntent id."""
        self._close_receipt()
        if self.dialog is not None:
            raise AssertionError(f"a payment dialog is already open.\n{self.screen()}")
        button = self.window.charge_button
        if not self.cart():
            raise AssertionError(f"cannot charge an empty cart.\n{self.screen()}")
        # The start-up (or a retried) reconciliation briefly disables Charge.
        self._wait(button.isEnabled, "the Charge button to be enabled")
        message = self._message()
        self._click(button)
        self._wait(lambda: self.dialog is not None, "the payment dialog to open", self.payment_timeout,
                   fail=self._new_error(message))
        dialog = self.dialog
        self._wait(lambda: dialog.page_state == "ready", "the card form to be ready", self.payment_timeout,
                   fail=lambda: dialog.page_state == "error" and "the checkout page reported an error")
        web.wait_for_js(self.qtbot, dialog.page, "document.body.dataset.state === 'ready'", self.ui_timeout)
        self._last_payment_intent = dialog.prepared.payment_intent
        return self._last_payment_intent

    def payment_intent(self) -> str:
        """The PaymentIntent of the open payment dialog (or of the last one opened)."""
        if self.dialog is not None:
            return self.dialog.prepared.payment_intent
        if self._last_payment_intent is None:
            raise AssertionError(f"no payment has been started yet.\n{self.screen()}")
        return self._last_payment_intent

    def payment_intent_status(self, payment_intent: str | None = None) -> str:
        """The PaymentIntent's status at the card processor (e.g. 'canceled'); default: payment_intent()."""
        return self.services.gateway.retrieve_intent(payment_intent or self.payment_intent()).status

    def enter_card(self, number: str, exp: str = "12/34", cvc: str = "123", postal: str | None = None) -> None:
        """Click into the card number and type the card; each field's old text is replaced (Ctrl+A).

        The card element moves from field to field by itself once one is complete; a field that is
        not complete (a test of the form's own checks) is left by clicking the next one.
        """
        dialog = self._open_dialog("enter a card")
        self._wait(lambda: dialog.page_state in ("ready", "declined", "error"),
                   "the card form to take a card", self.payment_timeout)
        view, page = dialog.view, dialog.page
        web.scroll_into_view(self.qtbot, page, "#card-element")
        frame = web.card_frame(self.qtbot, page)
        expiry = re.sub(r"\D", "", exp)
        fields = [("card-number", number, _digits), ("card-expiry", expiry.zfill(4) if len(expiry) == 3 else expiry,
                                                      _digits), ("card-cvc", cvc, _digits)]
        if postal is not None:
            if not web.run_js(self.qtbot, frame, "!document.getElementById('card-postal').closest('[hidden]')"
                                                 " && document.getElementById('card-postal').offsetWidth > 0"):
                raise AssertionError("this card form has no postal code field (the checkout page hides it); "
                                     "call enter_card() without postal")
            fields.append(("card-postal", postal, str))
        for field, value, shown in fields:
            if web.focused_id(self.qtbot, frame) != field:
                web.click_element(self.qtbot, view, frame, f"#{field}", expect_focus=field,
                                  timeout=self.ui_timeout)
            web.press(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            web.type_keys(view, value)
            # the lambda is waited for inside this iteration, so the loop variables are the current ones
            self._wait(lambda: shown(web.run_js(self.qtbot, frame, f"document.getElementById('{field}').value")  # noqa: B023
                                     or "") == shown(value),  # noqa: B023
                       f"the card field {field} to show {value!r}")

    def pay(self) -> str:
        """Click Pay; return 'succeeded' (receipt shown), 'declined' or 'requires_action' (3-D Secure up)."""
        dialog = self._open_dialog("pay")
        watch = _PageWatch(dialog)
        page = dialog.page
        web.scroll_into_view(self.qtbot, page, "#pay-button")
        web.click(self.qtbot, dialog.view, web.settled_center(self.qtbot, page, page.mainFrame(), "#pay-button"))
        clicked = time.monotonic()

        def refused():
            # The form did not even start (say, an incomplete card): no state change, and the page
            # says why. A moment's grace first, for the click to land and the page to answer.
            if watch.states or time.monotonic() - clicked < REFUSAL_GRACE_S:
                return None
            shown = self._page_message(dialog)
            return shown and f"the page did not confirm the payment and says {shown!r}"

        return self._outcome(dialog, watch, "after pressing Pay", refused)

    def decline_message(self) -> str:
        """The message the payment page shows after a decline (Stripe's words)."""
        dialog = self._open_dialog("read the decline message")
        shown = self._page_message(dialog)
        if shown:
            return shown
        if dialog.last_decline:
            return dialog.last_decline[0]
        raise AssertionError(f"the payment page shows no decline message.\n{self.screen()}")

    def complete_3ds(self) -> str:
        """Click "Complete authentication" in the 3-D Secure challenge; wait for the outcome (normally the receipt)."""
        return self._answer_challenge(complete=True)

    def fail_3ds(self) -> str:
        """Click "Fail authentication"; wait for the page to say so. Returns 'declined'."""
        return self._answer_challenge(complete=False)

    def cancel_payment(self) -> None:
        """Esc in the payment dialog; wait until it closed and the cart can be changed again."""
        dialog = self._open_dialog("cancel the payment")
        QTest.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Escape)
        self._wait(lambda: self.dialog is None, "the payment dialog to close after Esc")
        self._wait(lambda: not self.window.queue.busy and not self.window.cart_model.snapshot.frozen,
                   "the cancelled payment to be released (the cart unlocked)", self.payment_timeout)

    def new_sale(self) -> None:
        """On the receipt, press Enter ("New sale"): the dialog closes, the till is ready."""
        dialog = self.dialog
        if dialog is None or dialog.order is None:
            raise AssertionError(f"no receipt is shown.\n{self.screen()}")
        QTest.keyClick(dialog.done_button, Qt.Key.Key_Return)
        self._wait(lambda: self.dialog is None, "the receipt to close")

    def receipt_text(self) -> str:
        """The receipt's text as shown in the payment dialog."""
        dialog = self.dialog
        if dialog is None or dialog.order is None or not dialog.receipt_view.isVisible():
            raise AssertionError(f"no receipt is shown.\n{self.screen()}")
        return dialog.receipt_view.toPlainText()

    def last_order(self) -> dict:
        """The last recorded sale (the receipt's order, else the store's most recent one), as the
        local endpoint's API gives orders: amounts in minor units, lines, card, PaymentIntent."""
        dialog = self.dialog
        order = dialog.order if dialog is not None and dialog.order is not None else None
        if order is None:
            recent = self.services.store.orders.recent(limit=1)
            order = recent[0] if recent else None
        if order is None:
            raise AssertionError(f"no sale has been recorded.\n{self.screen()}")
        return order_json(order)

    # -- the whole till ------------------------------------------------------------------------

    def restart(self) -> None:
        """Close the window and stop the core, then start both again on the same data folder."""
        if self._reopen is None:
            raise AssertionError("this PosDriver was made without reopen=: it cannot restart the till")
        self._close_receipt()
        self.window, self._last_payment_intent = self._reopen(self.window), None

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

    # -- helpers -------------------------------------------------------------------------------

    def _wait(self, condition, expected: str, timeout: int | None = None, fail=None) -> None:
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

    def _message(self) -> tuple[str, str]:
        label = self.window.message_label
        return label.text(), label.property("kind")

    def _new_error(self, before: tuple[str, str]):
        """A fail= for _wait: the till showed a new error message."""
        def changed():
            now = self._message()
            return now != before and now[1] == "error" and f"the till says {now[0]!r}"
        return changed

    def _click(self, widget) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def _click_cell(self, table, index) -> None:
        table.scrollTo(index)
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
        self._wait(lambda: table.currentIndex().row() == index.row() and table.hasFocus(),
                   f"row {index.row() + 1} of {table.objectName()} to be selected")

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

    def _ready_for_cart_action(self, what: str) -> None:
        """A receipt on screen is closed first ("New sale"), as a cashier does; an open payment is an error."""
        self._close_receipt()
        if self.dialog is not None:
            raise AssertionError(f"cannot {what}: the payment dialog is open (pay, or cancel_payment() first)."
                                 f"\n{self.screen()}")

    def _close_receipt(self) -> None:
        if self.dialog is not None and self.dialog.order is not None:
            self.new_sale()

    def _open_dialog(self, what: str):
        dialog = self.dialog
        if dialog is None:
            raise AssertionError(f"cannot {what}: no payment dialog is open (charge() first).\n{self.screen()}")
        if dialog.order is not None:
            raise AssertionError(f"cannot {what}: the payment has succeeded and the receipt is shown.\n"
                                 f"{self.screen()}")
        return dialog

    def _page_message(self, dialog) -> str:
        try:
            return web.run_js(self.qtbot, dialog.page,
                              "(document.getElementById('payment-message') || {}).textContent || ''", 2000) or ""
        except Exception:  # describing the screen must never hide the real failure
            return "(unreadable)"

    def _answer_challenge(self, complete: bool) -> str:
        dialog = self._open_dialog("answer 3-D Secure")
        if dialog.page_state != REQUIRES_ACTION:
            raise AssertionError(f"no 3-D Secure challenge is up: payment page state is {dialog.page_state!r}."
                                 f"\n{self.screen()}")
        watch = _PageWatch(dialog)
        web.answer_challenge(self.qtbot, dialog.view, complete=complete, timeout=self.payment_timeout)
        what = "completing" if complete else "failing"
        outcome = self._outcome(dialog, watch, f"after {what} 3-D Secure")
        if not complete and outcome != DECLINED:
            raise AssertionError(f"payment page state is {dialog.page_state!r} after failing 3-D Secure — "
                                 f"expected a decline.\n{self.screen()}")
        return outcome

    def _outcome(self, dialog, watch: _PageWatch, when: str, refused=None) -> str:
        """Wait for what the page settles on after an action; see pay()."""
        def settled() -> str | None:
            if dialog.order is not None and dialog.receipt_view.isVisible():
                return SUCCEEDED
            if watch.declines:
                return DECLINED
            if watch.states and watch.states[-1] == REQUIRES_ACTION:
                return REQUIRES_ACTION
            return None

        def failed():
            # The page reports 'error' just before it reports the decline that says why: give it a moment.
            if watch.states and watch.states[-1] == "error" and not watch.declines \
                    and time.monotonic() - watch.changed_at > REFUSAL_GRACE_S:
                return f"the payment page reported an error: {self._page_message(dialog)!r}"
            if watch.succeeded and not dialog.busy() and dialog.order is None:
                return f"the sale could not be recorded: {dialog.status_label.text()!r}"
            return refused() if refused is not None else None

        try:
            self._wait(lambda: settled() is not None, f"the payment's outcome {when}", self.payment_timeout,
                       fail=failed)
        finally:
            watch.disconnect()
        outcome = settled()
        if outcome == REQUIRES_ACTION:
            web.challenge_frame(self.qtbot, dialog.page, timeout=self.payment_timeout)  # up and clickable
        elif outcome == DECLINED:
            self._wait(lambda: self._page_message(dialog), "the page to show why the payment was refused")
        return outcome


class _PageWatch:
    """Records what the checkout page reports from now on (its earlier reports do not count)."""

    def __init__(self, dialog) -> None:
        self.states: list[str] = []
        self.declines: list[tuple[str, str]] = []
        self.succeeded: list[str] = []
        self.changed_at = time.monotonic()
        self._bridge = dialog.bridge
        self._bridge.state_changed.connect(self._on_state)
        self._bridge.payment_declined.connect(self._on_declined)
        self._bridge.payment_succeeded.connect(self._on_succeeded)

    def _on_state(self, state: str) -> None:
        self.states.append(state)
        self.changed_at = time.monotonic()

    def _on_declined(self, message: str, code: str) -> None:
        self.declines.append((message, code))

    def _on_succeeded(self, payment_intent: str) -> None:
        self.succeeded.append(payment_intent)

    def disconnect(self) -> None:
        self._bridge.state_changed.disconnect(self._on_state)
        self._bridge.payment_declined.disconnect(self._on_declined)
        self._bridge.payment_succeeded.disconnect(self._on_succeeded)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


__all__ = ["DECLINED", "PosDriver", "REQUIRES_ACTION", "SUCCEEDED"]
