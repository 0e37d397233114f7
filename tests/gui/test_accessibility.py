"""Every control of the till and of each of its dialogs has an accessible name and description."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.qt.accessible import controls, missing
from pos_app.qt.approval_dialog import ApprovalDialog
from pos_app.qt.parking_controls import ParkingControls
from pos_app.qt.shift_access import ShiftAccess
from pos_app.qt.touch_controls import touch_controls


def _shown(qtbot, dialog: QWidget) -> QWidget:
    if not dialog.isVisible():
        dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _check(qtbot, dialog: QWidget, name: str) -> None:
    _shown(qtbot, dialog)
    assert dialog.objectName() == name
    assert controls(dialog), f"{name} has no focusable controls: the walk found nothing"
    gaps = missing(dialog)
    assert gaps == [], f"{name}: controls without an accessible name and description: {gaps}"


def _close(dialog: QWidget) -> None:
    dialog.close()
    QApplication.processEvents()


def test_the_till_window_and_its_pin_screen_name_every_control(pos, qtbot):
    assert missing(pos.window) == [], missing(pos.window)
    search = pos.window.search
    assert search.accessibleName() == "Search the catalogue" and "Enter adds" in search.accessibleDescription()
    qtbot.mouseClick(touch_controls(pos.window).quantity_button, Qt.MouseButton.LeftButton)  # made on first use
    assert touch_controls(pos.window).quantity().isVisible() and missing(pos.window) == [], missing(pos.window)
    pos.logout()
    pin = pos.window.till_lock.pin_field
    assert pin.accessibleName() == "PIN" and missing(pos.window.till_lock.screen) == []


def test_the_sale_dialogs_name_every_control(pos, qtbot):
    window = pos.window
    pos.add("latte")
    cash = window.tenders.open_cash()
    _check(qtbot, cash, "cashDialog")
    assert cash.quick_buttons and all(b.accessibleName() for b in cash.quick_buttons)
    _close(cash)
    window.terms.open_discount()
    _check(qtbot, window.terms.dialog, "discountDialog")
    _close(window.terms.dialog)
    parking = window.findChild(ParkingControls)
    parking.open_park()
    _check(qtbot, parking.park_dialog, "parkDialog")
    _close(parking.park_dialog)
    pos.park("table 4")
    parking.open_recall()
    _check(qtbot, parking.parked_dialog, "parkedDialog")
    _close(parking.parked_dialog)
    approval = ApprovalDialog("refund a sale", window)
    _check(qtbot, approval, "approvalDialog")
    _close(approval)


def test_the_office_dialogs_name_every_control(pos, qtbot):
    window = pos.window
    pos.add("latte")
    pos.pay_cash()
    history = window.open_history()
    _check(qtbot, history, "historyWindow")
    qtbot.waitUntil(lambda: history.select_order(pos.local.store.orders.by_number(pos.last_order()["number"]).id))
    _check(qtbot, history.open_refund(), "refundDialog")
    _close(history.refund_dialog)
    _check(qtbot, history.open_report(), "reportDialog")
    _close(history.report_dialog)
    _check(qtbot, history.open_review(), "reviewDialog")
    _close(history.review_dialog)
    _check(qtbot, window.findChild(ShiftAccess).open_dialog(), "shiftDialog")


def test_the_payment_dialog_names_every_control(pos, qtbot):
    pos.add("latte")
    pos.charge()
    _check(qtbot, pos.dialog, "paymentDialog")
    pos.cancel_payment()
