"""PeopleDriving: PosDriver's steps for who is at the till: log in, lock, a manager's approval, refunds.

login(pin) types the PIN on the PIN screen (locking first if someone is logged in) and Enter;
logout() presses Ctrl+L. A manager's action a cashier asks for opens the approval prompt
(approvalDialog): approve(pin) types a manager's PIN into it and Enter. refund(number) refunds an
order from the order history (F9, the order, Refund…, Refund) and answers the refund's status,
or "approval_required" while the prompt waits for a manager's PIN (approve(pin) then completes it
and answers the status). journal() is the till's journal as dicts.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.testing.screen import TillScreen
from pos_app.testing.staff import DEMO_PINS

APPROVAL_REQUIRED = "approval_required"


class PeopleDriving(TillScreen):
    """The PIN screen, Lock, the approval prompt and the history's refund, as a person works them."""

    _refund_waiting: object | None = None  # the refund dialog whose refund waits for a manager's PIN

    @property
    def demo_pins(self) -> dict[str, str]:
        """The training till's demo users' PINs: {"manager": …, "cashier": …} (README)."""
        return dict(DEMO_PINS)

    def user(self) -> str | None:
        """Who the window says is logged in ("Demo Cashier (cashier)"), or None at the PIN screen."""
        lock = self.window.till_lock
        return None if lock.locked else lock.user_label.text()

    def login(self, pin: str) -> str:
        """Type `pin` on the PIN screen and Enter (Lock first if someone is logged in): who it logged in."""
        if not self.window.till_lock.locked:
            self.logout()
        lock = self.window.till_lock
        field = lock.pin_field
        self._wait(field.isEnabled, "the PIN field to take a PIN")
        self._click(field)
        QTest.keyClicks(field, pin)
        QTest.keyClick(field, Qt.Key.Key_Return)
        self._wait(lambda: not lock.locked, "the PIN to log its user in",
                   fail=lambda: field.isEnabled() and lock.pin_message.property("kind") == "error"
                   and f"the PIN screen says {lock.pin_message.text()!r}")
        return lock.user_label.text()

    def logout(self) -> None:
        """Press Ctrl+L (Lock): the PIN screen; the sale stays as it is."""
        self._ready_for_cart_action("lock the till")
        QTest.keyClick(self.window.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        self._wait(lambda: self.window.till_lock.locked, "the PIN screen after Lock")

    def approval_prompt(self) -> QWidget | None:
        """The approval prompt while it is open (its approvalAction names the action), else None."""
        return next((w for w in QApplication.topLevelWidgets() + self.window.findChildren(QWidget, "approvalDialog")
                     if w.objectName() == "approvalDialog" and w.isVisible()), None)

    def approve(self, pin: str) -> str:
        """Type a manager's PIN into the open approval prompt and Enter; wait for the action to be done.
        Answers the refund's status when the prompt was a refund's (refund()), else "applied"."""
        prompt = self._wait_for_prompt("an approval prompt to answer")
        field = prompt.pin
        self._click(field)
        QTest.keyClicks(field, pin)
        QTest.keyClick(field, Qt.Key.Key_Return)
        gone = lambda: not shiboken6.isValid(prompt) or not prompt.isVisible()  # noqa: E731 (closed, then deleted)
        self._wait(gone, "the manager's PIN to approve the action",
                   fail=lambda: not gone() and prompt.status_label.property("kind") == "error" and field.isEnabled()
                   and f"the prompt says {prompt.status_label.text()!r}")
        dialog, self._refund_waiting = self._refund_waiting, None
        return self._refund_outcome(dialog) if dialog is not None else "applied"

    def refund(self, number: str, amount: int | None = None) -> str:
        """Refund order `number` from the order history, as a cashier does: all that is left, or
        `amount` minor units (typed into the dialog's "An amount" field).

        Answers the refund's status ("succeeded", "processing", …), or "approval_required" while
        the approval prompt waits for a manager's PIN (then approve(pin))."""
        order = self.local.store.orders.by_number(str(number))
        if order is None or order.id is None:
            raise AssertionError(f"there is no order {number!r}.\n{self.screen()}")
        self._ready_for_cart_action(f"refund order {number}")
        with self.qtbot.waitActive(self.window):  # back from a dialog (offscreen has no window manager)
            self.window.activateWindow()
        QTest.keyClick(self.window.search, Qt.Key.Key_F9)
        history = self._wait_for(lambda: self.window.findChild(QWidget, "historyWindow"), "the order history (F9)")
        self._wait(lambda: history.select_order(order.id), f"order {number} in the history")
        self._wait(history.refund_button.isEnabled, f"Refund… to be enabled for order {number}")
        self._click(history.refund_button)
        dialog = self._wait_for(lambda: history.refund_dialog if history.refund_dialog is not None
                                and history.refund_dialog.isVisible() else None, "the refund dialog (Refund…)")
        if amount is not None:
            self._click(dialog.amount_edit)
            QTest.keyClicks(dialog.amount_edit, self._amount_text(amount))
        shown, problem = dialog.preview()
        if problem or (amount is not None and amount != shown):
            raise AssertionError(f"the refund dialog of order {number} says {problem or shown!r}, not a refund of "
                                 f"{amount}.\n{self.screen()}")
        self._click(dialog.confirm_button)
        self._wait(lambda: not dialog.isVisible() or self.approval_prompt() is not None
                   or (not dialog.busy and dialog.error_label.isVisible()), f"the refund of order {number}")
        if dialog.isVisible() and self.approval_prompt() is not None:
            self._refund_waiting = dialog
            return APPROVAL_REQUIRED
        return self._refund_outcome(dialog)

    def journal(self, since: int | None = None) -> list[dict]:
        """The till's journal entries (since unix seconds `since`), oldest first, as dicts."""
        return [entry.to_dict() for entry in self.local.store.journal.entries(since)]

    # -- inside -----------------------------------------------------------------------------------

    def _refund_outcome(self, dialog) -> str:
        self._wait(lambda: not dialog.isVisible() or (not dialog.busy and dialog.error_label.isVisible()),
                   "the refund to be made")
        if dialog.record is None:
            raise AssertionError(f"the refund was refused: {dialog.error_label.text()!r}.\n{self.screen()}")
        return str(dialog.record.status.value)

    def _wait_for_prompt(self, what: str):
        return self._wait_for(self.approval_prompt, what)

    def _wait_for(self, find, what: str):
        found: list = [None]

        def look() -> bool:
            found[0] = find()
            return found[0] is not None
        self._wait(look, what)
        return found[0]
