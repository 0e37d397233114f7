"""FeedbackDriving: what the till tells the cashier, read and worked as a cashier does (PosDriver's part).

last_sale() reads the "last sale" notice the till shows after a restart (None when it is not
shown); reprint_last_sale() presses its Reprint and waits for the copy to be printed.
undo_clear() presses "Undo clear" after a Clear and returns the cart it put back.
scan_unknown(code) scans a code the catalogue does not know and returns what the till said
(it fails if the cart changed or the till gave no alert).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.qt.till_feedback import TillFeedback
from pos_app.testing.screen import TillScreen


class FeedbackDriving(TillScreen):
    """The last-sale notice, Undo clear and the unknown-barcode alert."""

    @property
    def _feedback(self) -> TillFeedback:
        found = self.window.findChild(TillFeedback, "tillFeedback")
        if found is None:
            raise AssertionError("this till window has no feedback parts (built without build_main_window)")
        return found

    def last_sale(self) -> str | None:
        """The last-sale notice's text ("Last sale: 000012 · $8.00 · paid by Visa •••• 4242 · …"), or None."""
        notice = self._feedback.last_sale
        return notice.text.text() if notice.frame.isVisibleTo(self.window) else None

    def reprint_last_sale(self) -> None:
        """Press the notice's Reprint; wait until the receipt printer took the copy."""
        notice = self._feedback.last_sale
        if not notice.frame.isVisibleTo(self.window):
            raise AssertionError(f"no last-sale notice is shown.\n{self.screen()}")
        with self.qtbot.waitSignal(notice.reprinted, timeout=self.payment_timeout):
            self._click(notice.reprint_button)

    def undo_clear(self) -> dict[str, int]:
        """Press "Undo clear" (shown after a Clear while the next cart is empty); the cart it shows then."""
        undo = self._feedback.clear_undo
        if not undo.button.isVisible():
            raise AssertionError(f"no Undo clear is offered (nothing cleared, or the cart changed since).\n"
                                 f"{self.screen()}")
        expected = undo.offered
        self._click(undo.button)
        self._wait(lambda: self.cart() == expected, f"the cleared lines {expected} back in the cart",
                   fail=self._new_error(("", "")))
        return self.cart()

    def scan_unknown(self, code: str) -> str:
        """Scan a code no item has (digits, Enter); the till's message. Fails if anything was added."""
        before, search = self.cart(), self.window.search
        self._click(search)
        QTest.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(search, code)
        QTest.keyClick(search, Qt.Key.Key_Return)
        self._wait(lambda: self._message() == (f"Unknown barcode {code}", "error")
                   and search.property("alert") == "true", f"the till to signal the unknown barcode {code}")
        if self.cart() != before:
            raise AssertionError(f"scanning the unknown code {code} changed the cart.\n{self.screen()}")
        return self._message()[0]
