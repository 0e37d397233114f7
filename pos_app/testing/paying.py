"""PaymentDriving: the payment dialog worked as a cashier does (PosDriver's payment half).

Charge, then the card typed key by key into the card iframe, Pay, 3-D Secure, cancel; each step
waits for what the page settles on. Built on TillScreen (screen.py); PosDriver (driver.py) adds
the catalogue and the cart.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.testing import webdriving as web
from pos_app.testing.screen import TillScreen
from pos_app.web.payloads import order_json

if TYPE_CHECKING:
    from pos_app.qt.payment_dialog import PaymentDialog

REFUSAL_GRACE_S = 1.0  # how long the page may take to answer Pay, or to say why it failed

SUCCEEDED, DECLINED, REQUIRES_ACTION = "succeeded", "declined", "requires_action"


class PaymentDriving(TillScreen):
    """Charge, card, Pay, 3-D Secure, cancel, the receipt and the recorded order."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_payment_intent: str | None = None

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
        dialog = self._open_dialog("wait for the card form")
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
        return self.payments.gateway.retrieve_intent(payment_intent or self.payment_intent()).status

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
        expiry = expiry.zfill(4) if len(expiry) == 3 else expiry
        fields: list[tuple[str, str, Callable[[str], str]]] = [
            ("card-number", number, _digits), ("card-expiry", expiry, _digits), ("card-cvc", cvc, _digits)]
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
        """The message the payment page shows after a decline (the cashier's words for its outcome)."""
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
        QTest.keyClick(dialog.view.focusProxy() or dialog.view, Qt.Key.Key_Escape)
        self._wait(lambda: self.dialog is None, "the payment dialog to close after Esc")
        self._wait(lambda: not self.window.queue.busy and not self.window.cart_model.snapshot.frozen,
                   "the cancelled payment to be released (the cart unlocked)", self.payment_timeout)

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
            recent = self.local.store.orders.recent(limit=1)
            order = recent[0] if recent else None
        if order is None:
            raise AssertionError(f"no sale has been recorded.\n{self.screen()}")
        return order_json(order)

    def _open_dialog(self, what: str) -> PaymentDialog:
        dialog = self.dialog
        if dialog is None:
            raise AssertionError(f"cannot {what}: no payment dialog is open (charge() first).\n{self.screen()}")
        if dialog.order is not None or dialog.part_paid is not None:
            raise AssertionError(f"cannot {what}: the payment has succeeded and the receipt is shown.\n"
                                 f"{self.screen()}")
        return dialog

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
            if (dialog.order is not None and dialog.receipt_view.isVisible()) or dialog.part_paid is not None:
                return SUCCEEDED  # the receipt, or a card part of a split sale recorded
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
            if watch.succeeded and not dialog.busy() and dialog.order is None and dialog.part_paid is None:
                return f"the sale could not be recorded: {dialog.status_label.text()!r}"
            return refused() if refused is not None else None

        try:
            self._wait(lambda: settled() is not None, f"the payment's outcome {when}", self.payment_timeout,
                       fail=failed)
        finally:
            watch.disconnect()
        outcome = settled()
        if outcome is None:  # the wait above saw it settled, and a settled page stays so
            raise AssertionError(f"the payment's outcome {when} came and went.\n{self.screen()}")
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
