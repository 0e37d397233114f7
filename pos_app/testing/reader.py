"""ReaderDriving: the card reader worked as a cashier (and, in training, the customer) does.

charge_on_reader() presses Charge (F12) on a till with a reader and waits until the reader waits
for the card ("Present card on the reader"), returning the PaymentIntent id; present_card() taps a
test card (and a tip) on training's simulated-reader panel and waits for the outcome;
cancel_on_reader() presses Cancel on the reader dialog; reader_status() reads the status bar.
Every outcome closes the reader dialog, as the cashier does; its last words are reader_message().
Start a till with a simulated reader with @pytest.mark.pos_settings(reader=True).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.domain.reader_charge import ReaderChargeState
from pos_app.testing.tendering import TenderDriving

R = ReaderChargeState
OUTCOMES = {R.APPROVED: "succeeded", R.DECLINED: "declined", R.CANCELLED: "cancelled", R.FAILED: "failed"}


class ReaderDriving(TenderDriving):
    """Charge on the reader, tap a card, cancel, and the reader's status."""

    last_reader_message = ""

    @property
    def _reader(self):
        return self.window.tenders.reader

    def charge_on_reader(self, amount: int | None = None) -> str:
        """Charge (F12) on the reader (a card part of `amount` typed beside Charge first); waits for
        "Present card on the reader" and returns the PaymentIntent id. A refusal (offline, busy...)
        raises AssertionError with the dialog's words, after closing it."""
        reader = self._reader
        if not reader.configured:
            raise AssertionError(f"this till has no card reader (pos_settings(reader=True)).\n{self.screen()}")
        self._close_receipt()
        if amount is not None:
            field = self.window.tenders.part_amount
            self._click(field)
            QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(field, self._amount_text(amount))
        self._wait(self.window.charge_button.isEnabled, "Charge to be enabled")
        self._click(self.window.charge_button)
        controller = reader.controller
        self._wait(lambda: controller.state is R.WAITING or controller.state.ended,
                   "the reader to wait for the card", self.payment_timeout)
        if controller.state is not R.WAITING:
            outcome = self._end_reader_dialog()
            raise AssertionError(f"the reader payment ended {outcome}: {self.last_reader_message!r}.\n{self.screen()}")
        return str(controller.payment.payment_intent)

    def present_card(self, number: str = "4242424242424242", tip: int = 0) -> str:
        """Tap test card `number` with `tip` (minor units) on the simulated reader (training); waits for
        the outcome: "succeeded" (the sale or part recorded) or "declined" ("cancelled"/"failed" too)."""
        dialog = self._reader.dialog
        if dialog is None or self._reader.controller.state is not R.WAITING:
            raise AssertionError(f"the reader is not waiting for a card (charge_on_reader() first).\n{self.screen()}")
        panel = dialog.findChild(object, "simulatedReader")
        if panel is None:
            raise AssertionError(f"no simulated reader panel (training only).\n{self.screen()}")
        panel.choose(number)
        panel.tip.setText(self._amount_text(tip) if tip else "")
        self._click(panel.tap_button)
        self._wait(lambda: self._reader.controller.state.ended, "the reader payment to end", self.payment_timeout)
        return self._end_reader_dialog()

    def cancel_on_reader(self) -> str:
        """Cancel on the reader dialog; waits for the end ("cancelled", or "succeeded" if the card was
        already in: nothing paid is lost) and closes the dialog."""
        dialog = self._reader.dialog
        if dialog is None:
            raise AssertionError(f"no reader payment is showing.\n{self.screen()}")
        self._wait(dialog.cancel_button.isEnabled, "Cancel on reader to be enabled")
        self._click(dialog.cancel_button)
        self._wait(lambda: self._reader.controller.state.ended, "the cancel to reach the reader", self.payment_timeout)
        return self._end_reader_dialog()

    def reader_message(self) -> str:
        """What the reader dialog said last (kept after it closed)."""
        dialog = self._reader.dialog
        return dialog.message_label.text() if dialog is not None else self.last_reader_message

    def _end_reader_dialog(self) -> str:
        controller, dialog = self._reader.controller, self._reader.dialog
        outcome = OUTCOMES.get(controller.state, controller.state.value)
        if dialog is not None:
            self.last_reader_message = dialog.message_label.text()
            self._click(dialog.close_button)
            self._wait(lambda: self._reader.dialog is None, "the reader dialog to close")
        return outcome

    def reader_status(self) -> str:
        """The status bar's reader, asked afresh: "online", "offline", "busy" (or "unknown")."""
        reader = self._reader
        label = reader.status_label
        if label is None:
            raise AssertionError(f"this till has no card reader.\n{self.screen()}")
        label.setProperty("status", None)
        reader.refresh_status()
        self._wait(lambda: label.property("status") is not None, "the reader's status")
        return str(label.property("status"))
