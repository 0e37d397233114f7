"""Every dialog works by keyboard alone: QTest key events only, a sensible Tab order, Enter for its main action.

Each test opens its dialog with the till's own key (F5, F6, F7, F9, F11, Shift+F5, Ctrl+Shift+Z …),
types, tabs and presses Enter or Esc on the widget that has the focus, as a keyboard does.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.qt.approval_dialog import ApprovalDialog
from pos_app.qt.parking_controls import ParkingControls


def _keys(widget: QWidget, *keys, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Each key to the widget that has the focus in `widget`'s window (where a keyboard's keys go)."""
    window = widget.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()  # offscreen has no window manager to bring a new dialog to the front
        QApplication.processEvents()
    for key in keys:
        target = window.focusWidget() or widget
        if isinstance(key, str):
            QTest.keyClicks(target, key)
        else:
            QTest.keyClick(target, key, modifier)


def _tab_chain(dialog: QWidget, count: int) -> list[str]:
    names = [dialog.focusWidget().objectName()]
    for _ in range(count):
        _keys(dialog, Qt.Key.Key_Tab)
        names.append(dialog.focusWidget().objectName())
    return names


def _active(qtbot, window: QWidget) -> None:
    """Bring `window` to the front, as a click on it would (offscreen has no window manager to do it)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _till_key(pos, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    _active(pos.qtbot, pos.window)  # the till's keys are its window's shortcuts
    QTest.keyClick(pos.window.search, key, modifier)


def _open_refund_by_keys(pos, qtbot):
    pos.add("latte")
    pos.add("mocha")
    pos.pay_cash()
    _till_key(pos, Qt.Key.Key_F9)
    history = pos.window.findChild(QWidget, "historyWindow")
    qtbot.waitUntil(lambda: history is not None and history.current_order is not None)
    _active(qtbot, history)
    _keys(history, Qt.Key.Key_R, modifier=Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: history.refund_dialog is not None and history.refund_dialog.isVisible())
    return history, history.refund_dialog


def test_the_refund_dialog_tabs_in_reading_order(pos, qtbot):
    _history, dialog = _open_refund_by_keys(pos, qtbot)
    # The three choices are one group: Tab stops at the chosen one, the arrow keys choose (Qt's radio groups).
    assert _tab_chain(dialog, 8) == ["fullRefundRadio", "refundAmountEdit", "refundQty_latte", "refundQty_mocha",
                                     "refundReason", "refundCashCheck", "confirmRefundButton", "cancelRefundButton",
                                     "fullRefundRadio"]
    _keys(dialog, Qt.Key.Key_Down)
    assert dialog.lines_radio.isChecked() and dialog.focusWidget() is dialog.lines_radio


def test_a_refund_of_some_items_by_keyboard_alone(pos, qtbot):
    _history, dialog = _open_refund_by_keys(pos, qtbot)
    while dialog.focusWidget().objectName() != "refundQty_mocha":
        _keys(dialog, Qt.Key.Key_Tab)
    _keys(dialog, Qt.Key.Key_Up)  # one mocha
    assert dialog.lines_radio.isChecked() and dialog.chosen_lines() == [("mocha", 1)]
    _keys(dialog, Qt.Key.Key_Return)  # Enter: the main action, from the quantity
    qtbot.waitUntil(lambda: dialog.record is not None, timeout=10_000)
    assert dialog.record.amount == pos.local.store.catalogue.get("mocha").price.amount


def test_a_full_refund_is_enter(pos, qtbot):
    _history, dialog = _open_refund_by_keys(pos, qtbot)
    _keys(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.record is not None, timeout=10_000)
    assert dialog.record.amount == pos.last_order()["total"]


def test_cash_by_keyboard_alone(pos, qtbot):
    pos.add("latte")
    _till_key(pos, Qt.Key.Key_F11)
    tenders = pos.window.tenders
    qtbot.waitUntil(lambda: tenders.cash_dialog is not None)
    dialog = tenders.cash_dialog
    assert dialog.focusWidget() is dialog.tendered
    _keys(dialog, "10", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.taken is not None)
    assert dialog.taken.change == 600 and dialog.focusWidget() is dialog.done_button
    _keys(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tenders.cash_dialog is None)


def test_a_discount_by_keyboard_alone(pos, qtbot):
    pos.add("latte")
    _till_key(pos, Qt.Key.Key_F6)
    terms = pos.window.terms
    qtbot.waitUntil(lambda: terms.dialog is not None and terms.dialog.isVisible())
    dialog = terms.dialog
    assert _tab_chain(dialog, 5) == ["discountPercent", "discountAmount", "discountReason", "discountOkButton",
                                     "discountTarget", "discountPercent"]
    _keys(dialog, "10", Qt.Key.Key_Tab, Qt.Key.Key_Tab, "loyal customer", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: terms.dialog is None)
    assert pos.total_minor() == 360


def test_park_and_recall_by_keyboard_alone(pos, qtbot):
    parking = pos.window.findChild(ParkingControls)
    pos.add("latte")
    _till_key(pos, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: parking.park_dialog is not None and parking.park_dialog.isVisible())
    _keys(parking.park_dialog, "table 4", Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not pos.cart())
    _till_key(pos, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: parking.parked_dialog is not None and parking.parked_dialog.isVisible())
    _keys(parking.parked_dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pos.cart() == {"latte": 1})


@pytest.mark.pos_settings(user="cashier")
def test_an_approval_by_keyboard_alone(pos, qtbot):
    pos.add("latte")
    QTest.keyClick(pos.window.search, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)  # clear: a manager's
    qtbot.waitUntil(lambda: pos.approval_prompt() is not None)
    prompt = pos.approval_prompt()
    assert isinstance(prompt, ApprovalDialog) and prompt.focusWidget() is prompt.pin
    _keys(prompt, pos.demo_pins["manager"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not pos.cart())


def test_the_pin_screen_by_keyboard_alone(pos, qtbot):
    pos.logout()
    lock = pos.window.till_lock
    assert pos.window.focusWidget() is lock.pin_field
    _keys(lock.pin_field, pos.demo_pins["cashier"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lock.locked)


def test_the_office_windows_open_and_close_by_keys(pos, qtbot):
    pos.add("latte")
    pos.pay_cash()
    _till_key(pos, Qt.Key.Key_F9)
    history = pos.window.findChild(QWidget, "historyWindow")
    qtbot.waitUntil(lambda: history is not None and history.isVisible())
    _active(qtbot, history)
    _keys(history, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: history.report_dialog is not None and history.report_dialog.isVisible())
    report = history.report_dialog
    _keys(report, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not report.isVisible())
    _active(qtbot, history)
    _keys(history, Qt.Key.Key_F7)
    shift = pos.window.findChild(QWidget, "shiftDialog")
    qtbot.waitUntil(lambda: shift is not None and shift.isVisible())
    _keys(shift, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shift.isVisible())
    _active(qtbot, history)
    _keys(history, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not history.isVisible())
    QApplication.processEvents()
