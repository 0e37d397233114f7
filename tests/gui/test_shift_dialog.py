"""The shift dialog over a real training till: open with a float, paid in/out, the X, the blind close and its Z;
the till's "no shift open" banner and its ways in (F7, the history window)."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QPushButton

from pos_app.domain.money import Money
from pos_app.qt.shift_access import ShiftAccess
from pos_app.qt.shift_dialog import COUNT_PAGE, OPEN_PAGE, SHIFT_PAGE, ShiftDialog
from pos_app.store import DrawerReason
from pos_app.testing.staff import log_in
from tests.integration.reports.sales import sell

pytestmark = [pytest.mark.gui, pytest.mark.pos_settings(open_shift=False)]  # each test opens its own shift

TIMEOUT = 10_000


def type_into(field: QLineEdit, text: str) -> None:
    field.clear()
    QTest.keyClicks(field, text)


def step(qtbot, dialog: ShiftDialog, name: str, signal: str = "step_done") -> list:
    """Click the button `name` and wait for the dialog's `signal`; its arguments."""
    with qtbot.waitSignal(getattr(dialog, signal), timeout=TIMEOUT) as blocker:
        QTest.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
    return blocker.args


@pytest.fixture
def dialog(qtbot, core, settings, runner):
    shift_dialog = ShiftDialog(core.local.shifts, core.local.store.orders, core.payments.gateway, settings, runner)
    qtbot.addWidget(shift_dialog)
    shift_dialog.show()
    return shift_dialog


def test_a_whole_shift_through_the_dialog(qtbot, dialog, core):
    assert dialog.pages.currentIndex() == OPEN_PAGE
    type_into(dialog.float_edit, "100.00")
    assert step(qtbot, dialog, "openShiftButton") == ["Shift 1 opened."]
    assert dialog.pages.currentIndex() == SHIFT_PAGE and "Shift 1 open (float $100.00)" in dialog.status.text()
    sell(core, {"item1": 1})  # $5.00 by card
    type_into(dialog.amount_edit, "20")
    type_into(dialog.reason_edit, "change from the safe")
    assert step(qtbot, dialog, "paidInButton") == ["Paid in of $20.00 recorded; the drawer opened."]
    type_into(dialog.amount_edit, "7.50")
    type_into(dialog.reason_edit, "milk")
    step(qtbot, dialog, "paidOutButton")
    type_into(dialog.amount_edit, "50")
    step(qtbot, dialog, "dropButton")

    x = step(qtbot, dialog, "xReportButton", "report_shown")[0]
    assert (x.kind, x.expected_cash, x.card_sales_total) == ("X", 10_000 + 2_000 - 750 - 5_000, 500)
    assert "Expected cash" in dialog.view.toPlainText() and "card total matches" in dialog.view.toPlainText()

    QTest.mouseClick(dialog.findChild(QPushButton, "closeShiftButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    assert dialog.view.toPlainText() == ""  # blind: nothing of the expected amount is on screen
    assert "$" not in dialog.status.text()
    type_into(dialog.counted_edit, "62.40")
    z = step(qtbot, dialog, "confirmCountButton", "report_shown")[0]
    assert (z.kind, z.expected_cash, z.counted_cash, z.over_short) == ("Z", 6_250, 6_240, -10)
    assert "Short" in dialog.view.toPlainText() and dialog.pages.currentIndex() == OPEN_PAGE
    assert [o.reason for o in core.local.store.drawer.for_shift(core.local.store.shifts.all("till-1")[0].id)] == [
        DrawerReason.FLOAT, DrawerReason.PAID_IN, DrawerReason.PAID_OUT, DrawerReason.DROP, DrawerReason.COUNT]


def test_a_bad_amount_or_a_missing_reason_is_said_and_nothing_is_recorded(qtbot, dialog, core):
    type_into(dialog.float_edit, "1.234")
    QTest.mouseClick(dialog.findChild(QPushButton, "openShiftButton"), Qt.MouseButton.LeftButton)
    assert "The float" in dialog.message.text() and "decimal places" in dialog.message.text()
    assert core.local.shifts.current() is None
    type_into(dialog.float_edit, "0")
    step(qtbot, dialog, "openShiftButton")
    type_into(dialog.amount_edit, "5")
    assert "give a reason" in step(qtbot, dialog, "paidOutButton", "step_failed")[0]
    assert core.local.store.cash.for_shift(core.local.shifts.current().id) == []


def test_the_count_can_be_cancelled_and_closing_the_dialog_cancels_it(qtbot, dialog, core):
    core.local.shifts.open(Money(1_000, "usd"))
    dialog.show_state()
    QTest.mouseClick(dialog.findChild(QPushButton, "closeShiftButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    assert core.local.shifts.counting
    QTest.mouseClick(dialog.findChild(QPushButton, "cancelCountButton"), Qt.MouseButton.LeftButton)
    assert not core.local.shifts.counting and dialog.pages.currentIndex() == SHIFT_PAGE
    dialog.start_count()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    dialog.close()
    assert not core.local.shifts.counting and core.local.shifts.current() is not None


def test_the_z_exports_csv_and_saves_a_pdf(qtbot, dialog, core, tmp_path):
    core.local.shifts.open(Money(1_000, "usd"))
    dialog.show_state()
    dialog.start_count()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    type_into(dialog.counted_edit, "10.00")
    step(qtbot, dialog, "confirmCountButton", "report_shown")
    rows = {(r["section"], r["key"]): r["amount_minor"]
            for r in csv.DictReader(io.StringIO(dialog.export_csv(tmp_path / "z.csv").read_text(encoding="utf-8")))}
    assert (rows[("cash", "expected")], rows[("cash", "counted")], rows[("cash", "over_short")]) == ("1000", "1000",
                                                                                                        "0")
    assert dialog.save_pdf(tmp_path / "z.pdf").read_bytes().startswith(b"%PDF")


def test_the_till_says_when_no_shift_is_open_and_opens_one_from_its_banner(qtbot, window, core):
    banner = window.findChild(QFrame, "noShiftBanner")
    assert banner.isVisible() == (core.local.shifts.current() is None)
    if core.local.shifts.current() is not None:  # the kit's window may start with a shift open (float 0)
        core.local.shifts.close(Money(0, "usd"))
        window.findChild(ShiftAccess, "shiftAccess").update_banner()
    assert banner.isVisible() and "No shift is open" in window.findChild(QLabel, "noShiftMessage").text()
    QTest.mouseClick(window.findChild(QPushButton, "openShiftBannerButton"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(ShiftDialog, "shiftDialog")
    assert dialog is not None and dialog.isVisible()
    type_into(dialog.float_edit, "0")
    step(qtbot, dialog, "openShiftButton")
    assert not banner.isVisible()


def test_f7_opens_the_shift_dialog_from_the_till_and_from_the_history(qtbot, window):
    window.activateWindow()
    QTest.keyClick(window.search, Qt.Key.Key_F7)
    assert window.findChild(ShiftDialog, "shiftDialog").isVisible()
    history = window.open_history()
    QTest.mouseClick(history.findChild(QPushButton, "shiftButton"), Qt.MouseButton.LeftButton)
    assert history.findChild(ShiftDialog, "shiftDialog").isVisible()


def test_the_dialog_works_by_keyboard_alone(qtbot, dialog, core):
    """Enter opens the shift; Enter in the amount goes on to the reason; Tab to a step and Enter takes
    it; Esc during the count cancels the count (the drawer's `count` opening stays recorded, the
    dialog stays open); Enter on the count closes the shift."""
    failed: list[str] = []
    dialog.step_failed.connect(failed.append)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.float_edit)
    QTest.keyClicks(dialog.float_edit, "50")
    with qtbot.waitSignal(dialog.step_done, timeout=TIMEOUT):
        QTest.keyClick(dialog.float_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.amount_edit)
    QTest.keyClicks(dialog.amount_edit, "5")
    QTest.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.reason_edit
    QTest.keyClicks(dialog.reason_edit, "change")
    QTest.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert "Paid in (Alt+I)" in dialog.message.text() and core.local.store.cash.for_shift(
        core.local.shifts.current().id) == []
    QTest.keyClick(dialog.reason_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "paidInButton"
    with qtbot.waitSignal(dialog.step_done, timeout=TIMEOUT) as done:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert done.args == ["Paid in of $5.00 recorded; the drawer opened."] and failed == []  # no early step

    order = []
    dialog.amount_edit.setFocus()
    for _ in range(8):
        order.append(QApplication.focusWidget().objectName())
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert order == ["cashAmountEdit", "cashReasonEdit", "paidInButton", "paidOutButton", "dropButton",
                     "xReportButton", "closeShiftButton", "shiftReportView"]

    dialog.findChild(QPushButton, "closeShiftButton").setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    assert QApplication.focusWidget() is dialog.counted_edit and core.local.shifts.counting
    QTest.keyClick(dialog.counted_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.pages.currentIndex() == SHIFT_PAGE and not core.local.shifts.counting
    assert "Count cancelled" in dialog.message.text()
    shift = core.local.shifts.current()
    assert [o.reason for o in core.local.store.drawer.for_shift(shift.id)] == [
        DrawerReason.FLOAT, DrawerReason.PAID_IN, DrawerReason.COUNT]

    dialog.start_count()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == COUNT_PAGE, timeout=TIMEOUT)
    QTest.keyClicks(dialog.counted_edit, "55")
    with qtbot.waitSignal(dialog.report_shown, timeout=TIMEOUT) as shown:
        QTest.keyClick(dialog.counted_edit, Qt.Key.Key_Return)
    assert (shown.args[0].kind, shown.args[0].over_short) == ("Z", 0)
    QTest.keyClick(dialog.float_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_dialog_opened_after_a_restart_goes_straight_to_the_count(qtbot, core, settings, runner):
    from pos_app.core import AppCore
    core.local.shifts.open(Money(3_000, "usd"))
    core.local.shifts.paid_in(Money(450, "usd"), "change")
    core.local.shifts.start_count()
    core.stop()  # the till went down mid-count
    restarted = AppCore(settings).start()
    try:
        log_in(restarted.open())
        reopened = ShiftDialog(restarted.local.shifts, restarted.local.store.orders, restarted.payments.gateway,
                               settings, runner)
        qtbot.addWidget(reopened)
        reopened.show()
        assert reopened.pages.currentIndex() == COUNT_PAGE and "Counting shift 1" in reopened.status.text()
        assert reopened.view.toPlainText() == "" and "$" not in reopened.status.text()
        with qtbot.waitSignal(reopened.step_failed, timeout=TIMEOUT) as failed:
            reopened.show_x_report()
        assert "blind count" in failed.args[0]
        type_into(reopened.counted_edit, "34.50")
        z = step(qtbot, reopened, "confirmCountButton", "report_shown")[0]
        assert (z.expected_cash, z.counted_cash, z.over_short) == (3_450, 3_450, 0)
        reopened.close()
    finally:
        restarted.stop()
