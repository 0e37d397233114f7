"""CashOfficeDriving: the PosDriver's shift steps worked through the shift dialog (F7), as a cashier does.

Each step presses F7 on the till, types the amount (and reason) into the ShiftDialog with
QTest.keyClicks, presses Enter or the step's button, waits for the dialog to say it was done, and
closes the dialog with Esc. The reports come back as the dict the endpoint answers with
(`expected_cash`, `counted_cash`, `over_short`, `tenders`: per tender `expected`, `counted`,
`over_short`, `sales`, `refunds`), checked against what the dialog shows; a refusal or a mismatch
is an AssertionError naming the step and the screen. Amounts are minor units of the shop's currency.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from pos_app.domain.money import Money, format_money
from pos_app.testing.screen import TillScreen

if TYPE_CHECKING:
    from pos_app.cash_office import ShiftReport
    from pos_app.qt.shift_dialog import ShiftDialog

OPEN_PAGE, SHIFT_PAGE, COUNT_PAGE = range(3)  # qt/shift_dialog.py's pages (not imported: no Qt form at import)
PAGE_NAMES = {OPEN_PAGE: "the float", SHIFT_PAGE: "the shift's steps", COUNT_PAGE: "the blind count"}


class ShiftDialogSteps:
    """What happened to one step: the dialog's step_done / step_failed / report_shown, as they come."""

    def __init__(self, dialog: ShiftDialog) -> None:
        self.done: list[str] = []
        self.failed: list[str] = []
        self.reports: list[ShiftReport] = []
        self._connections = [(dialog.step_done, self.done.append), (dialog.step_failed, self.failed.append),
                             (dialog.report_shown, self.reports.append)]
        for signal, slot in self._connections:
            signal.connect(slot)

    def stop(self) -> None:
        """Disconnect: the dialog outlives the step (it is hidden, and F7 shows it again)."""
        for signal, slot in self._connections:
            signal.disconnect(slot)


class CashOfficeDriving(TillScreen):
    """The cash office's steps for PosDriver, through the shift dialog."""

    def open_shift(self, float_minor: int = 0) -> int:
        """F7, type the float, Enter; the shift's number (from what the dialog says)."""
        dialog, steps = self._shift_dialog("open a shift", OPEN_PAGE)
        self._type(dialog.float_edit, float_minor)
        QTest.keyClick(dialog.float_edit, Qt.Key.Key_Return)  # Enter: Open shift
        said = self._step_done(dialog, steps, "open a shift")
        opened = re.fullmatch(r"Shift (\d+) opened\.", said)
        if opened is None:
            raise AssertionError(f"open a shift: the shift dialog says {said!r}.\n{self._shift_screen(dialog)}")
        self._close_shift_dialog(dialog)
        return int(opened.group(1))

    def cash_in(self, amount: int, reason: str) -> None:
        """A paid in of `amount` with its reason (the drawer opens)."""
        self._cash_step("paidInButton", "Paid in", amount, reason)

    def cash_out(self, amount: int, reason: str) -> None:
        """A paid out of `amount` with its reason (the drawer opens)."""
        self._cash_step("paidOutButton", "Paid out", amount, reason)

    def cash_drop(self, amount: int, reason: str = "") -> None:
        """Cash taken to the safe (the drawer opens)."""
        self._cash_step("dropButton", "Drop", amount, reason)

    def x_report(self) -> dict[str, Any]:
        """X report (its button); the open shift's report as shown, after its card check."""
        dialog, steps = self._shift_dialog("the X report", SHIFT_PAGE)
        self._click(dialog.findChild(QPushButton, "xReportButton"))
        report = self._report_shown(dialog, steps, "the X report")
        self._close_shift_dialog(dialog)
        return report.to_dict()

    def close_shift(self, counted_minor: int) -> dict[str, Any]:
        """Close shift (count)…, check the count is blind, type the count, Enter: the Z as shown."""
        dialog, steps = self._shift_dialog("close the shift", SHIFT_PAGE, COUNT_PAGE)
        if dialog.pages.currentIndex() == SHIFT_PAGE:  # else a count was under way (the till restarted mid-count)
            self._click(dialog.findChild(QPushButton, "closeShiftButton"))
        self._wait(lambda: dialog.pages.currentIndex() == COUNT_PAGE or bool(steps.failed),
                   "the shift dialog to ask for the count", fail=lambda: steps.failed and
                   f"the shift dialog says {steps.failed[-1]!r}")
        if dialog.view.toPlainText() or re.search(r"\d", re.sub(r"shift \d+", "", dialog.status.text())):
            raise AssertionError(f"close the shift: the count is not blind, the dialog shows an amount before "
                                 f"the count.\n{self._shift_screen(dialog)}")
        self._type(dialog.counted_edit, counted_minor)
        QTest.keyClick(dialog.counted_edit, Qt.Key.Key_Return)
        report = self._report_shown(dialog, steps, "the Z report")
        self._close_shift_dialog(dialog)
        return report.to_dict()

    def shift_number(self) -> int | None:
        """The open shift's number, None when none is open."""
        shift = self.local.shifts.current()
        return None if shift is None else shift.number

    # -- the dialog --------------------------------------------------------------------------------

    def _shift_dialog(self, what: str, *pages: int) -> tuple[ShiftDialog, ShiftDialogSteps]:
        """F7 on the till (a receipt in the way is closed first); the dialog on one of `pages`, or AssertionError."""
        from pos_app.qt.shift_dialog import ShiftDialog
        self._close_receipt()
        if self.dialog is not None:
            raise AssertionError(f"{what}: not while the payment dialog is open.\n{self.screen()}")
        self.window.activateWindow()  # F7 is the till window's shortcut: it needs the keyboard
        self._wait(lambda: QApplication.activeWindow() is self.window, "the till window to be active")
        QTest.keyClick(self.window.search, Qt.Key.Key_F7)
        self._wait(lambda: (found := self.window.findChild(ShiftDialog, "shiftDialog")) is not None
                   and found.isVisible(), "the shift dialog to open (F7)")
        dialog = self.window.findChild(ShiftDialog, "shiftDialog")
        if dialog is None:  # waited for above: cannot happen
            raise AssertionError(f"{what}: the shift dialog closed by itself.\n{self.screen()}")
        if dialog.pages.currentIndex() not in pages:  # left open as it is: Esc would cancel a count
            shown = PAGE_NAMES[dialog.pages.currentIndex()]
            raise AssertionError(f"{what}: the shift dialog shows {shown}, not {PAGE_NAMES[pages[0]]}."
                                 f"\n{self._shift_screen(dialog)}")
        self._steps: ShiftDialogSteps | None = ShiftDialogSteps(dialog)
        return dialog, self._steps

    def _cash_step(self, button: str, label: str, amount: int, reason: str) -> None:
        what = f"{label.lower()} {amount}"
        dialog, steps = self._shift_dialog(what, SHIFT_PAGE)
        self._type(dialog.amount_edit, amount)
        QTest.keyClick(dialog.amount_edit, Qt.Key.Key_Return)  # on to the reason
        QTest.keyClick(dialog.reason_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(dialog.reason_edit, reason)
        if not reason:
            QTest.keyClick(dialog.reason_edit, Qt.Key.Key_Backspace)
        self._click(dialog.findChild(QPushButton, button))
        said = self._step_done(dialog, steps, what)
        expected = f"{label} of {self._money_text(amount)} recorded"
        if not said.startswith(expected):
            raise AssertionError(f"{what}: the shift dialog says {said!r}, expected {expected!r}."
                                 f"\n{self._shift_screen(dialog)}")
        self._close_shift_dialog(dialog)

    def _step_done(self, dialog: ShiftDialog, steps: ShiftDialogSteps, what: str) -> str:
        self._wait(lambda: steps.done or steps.failed, f"{what} to be done", self.payment_timeout)
        if steps.failed:
            text = steps.failed[-1]
            self._close_shift_dialog(dialog)
            raise AssertionError(f"{what}: the shift dialog says {text!r}.\n{self._shift_screen(dialog)}")
        return steps.done[-1]

    def _report_shown(self, dialog: ShiftDialog, steps: ShiftDialogSteps, what: str) -> ShiftReport:
        self._wait(lambda: steps.reports or steps.failed, f"{what} to be shown", self.payment_timeout)
        if steps.failed and not steps.reports:
            text = steps.failed[-1]
            self._close_shift_dialog(dialog)
            raise AssertionError(f"{what}: the shift dialog says {text!r}.\n{self._shift_screen(dialog)}")
        report = steps.reports[-1]
        self._check_shown(dialog, report, what)
        return report

    def _check_shown(self, dialog: ShiftDialog, report: ShiftReport, what: str) -> None:
        """The figures returned are the ones on screen, else AssertionError with the screen."""
        shown = " ".join(dialog.view.toPlainText().split())
        lines = {"Expected cash": report.expected_cash}
        if report.counted_cash is not None:
            lines["Counted cash"] = report.counted_cash
        for label, amount in lines.items():
            text = " ".join(f"{label} {self._money_text(amount)}".split())
            if text not in shown:
                raise AssertionError(f"{what}: the report returned has {label.lower()} {amount}, but the shift "
                                     f"dialog shows {shown!r}.\n{self._shift_screen(dialog)}")

    def _close_shift_dialog(self, dialog: ShiftDialog) -> None:
        """Esc, as a cashier leaves it (during a count Esc cancels the count first, then closes)."""
        steps = getattr(self, "_steps", None)
        if steps is not None:
            steps.stop()
            self._steps = None
        for _ in range(2):
            if dialog.isVisible():
                QTest.keyClick(dialog, Qt.Key.Key_Escape)
        self._wait(lambda: not dialog.isVisible(), "the shift dialog to close (Esc)")
        self.window.activateWindow()  # back to the till, as closing a dialog gives its keyboard back
        self._wait(lambda: QApplication.activeWindow() is self.window, "the till window to be active again")

    # -- reading and typing ------------------------------------------------------------------------

    def _type(self, field, amount: int) -> None:
        field.setFocus()
        QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(field, self._amount_text(amount))

    def _money_text(self, amount: int) -> str:
        settings = self.window.settings
        return format_money(Money(amount, settings.currency), settings.locale)

    def _shift_screen(self, dialog: ShiftDialog) -> str:
        return (f"{self.screen()}; shift dialog ({PAGE_NAMES.get(dialog.pages.currentIndex(), '?')}): "
                f"status {dialog.status.text()!r}, message {dialog.message.text()!r}")
