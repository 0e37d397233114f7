"""The till's Park (F5) and Recall… (Shift+F5): the keys, the dialogs, what the window says, the model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from pos_app.qt.parked_model import ParkedModel
from pos_app.qt.parking_controls import ParkingControls
from pos_app.store import ParkedCart

pytestmark = [pytest.mark.gui]


def controls(pos) -> ParkingControls:
    return pos.window.findChild(ParkingControls, "parkingControls")


def log_in(pos, pin: str = "0000") -> None:
    session = pos.window.local.session
    session.staff.ensure_demo_users()
    session.login(pin)


def test_f5_parks_with_a_label_and_shift_f5_recalls_with_the_keyboard(pos, qtbot, tmp_path):
    log_in(pos)
    pos.add("item1", 2)
    parking, window = controls(pos), pos.window
    QTest.keyClick(window.search, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: parking.park_dialog is not None)
    dialog = parking.park_dialog
    assert dialog.objectName() == "parkDialog"
    qtbot.waitUntil(dialog.label.hasFocus)  # the label field takes the typing at once
    assert "(1 line, $10.00)" in dialog.findChild(QLabel, "parkMessage").text()
    QTest.keyClicks(dialog.label, "table 4")
    dialog.grab().save(str(tmp_path / "park-dialog.png"))
    QTest.keyClick(dialog.label, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: parking.park_dialog is None)
    assert pos.cart() == {} and "table 4" in window.message_label.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # the till has the keyboard again

    QTest.keyClick(window.search, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: parking.parked_dialog is not None)
    listed = parking.parked_dialog
    qtbot.waitUntil(listed.table.hasFocus)  # arrows and Enter work at once
    assert listed.model.rowCount() == 1 and listed.selected_id() is not None
    listed.grab().save(str(tmp_path / "parked-dialog.png"))
    QTest.keyClick(listed.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: parking.parked_dialog is None)
    assert pos.cart() == {"item1": 2} and "recalled" in window.message_label.text()
    window.grab().save(str(tmp_path / "till-recalled.png"))


def test_esc_closes_the_list_and_the_park_dialog_without_changing_anything(pos, qtbot):
    log_in(pos)
    pos.add("item1", 1)
    parking = controls(pos)
    parking.open_recall()
    listed = parking.parked_dialog
    assert "No sale is parked" in listed.status.text()
    QTest.keyClick(listed.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: parking.parked_dialog is None)
    parking.open_park()
    QTest.keyClick(parking.park_dialog.label, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: parking.park_dialog is None)
    assert pos.cart() == {"item1": 1} and pos.window.local.parking.parked() == []


def test_nobody_logged_in_is_told_in_the_dialog(pos, qtbot):
    pos.add("item1", 1)
    pos.window.local.session.logout()  # after the sale began: the till locked with the sale kept
    parking = controls(pos)
    parking.open_park()
    dialog = parking.park_dialog
    QTest.keyClick(dialog.label, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.status.property("kind") == "error")
    assert "Log in" in dialog.status.text() and parking.park_dialog is dialog
    dialog.reject()
    assert pos.cart() == {"item1": 1}


def test_an_empty_or_frozen_cart_is_refused_before_the_dialog(pos):
    log_in(pos)
    parking = controls(pos)
    parking.open_park()
    assert parking.park_dialog is None and "nothing to park" in pos.window.message_label.text()
    pos.add("item1", 1)
    pos.window.local.carts.set_frozen(True)
    try:
        parking.open_park()
        assert parking.park_dialog is None and "can't be parked now" in pos.window.message_label.text()
    finally:
        pos.window.local.carts.set_frozen(False)


def test_the_parked_model(qtmodeltester):
    parked = [ParkedCart(1, "u1", "table 4", "Demo Cashier", 1_700_000_000, {"a": 1, "b": 2}, 3500),
              ParkedCart(2, "u2", "Parked 10:00", None, 1_700_000_100, {"a": 1}, 500)]
    model = ParkedModel(parked, "usd", "en_US")
    qtmodeltester.check(model)
    assert [model.index(0, c).data() for c in range(model.columnCount())][:4] == ["table 4", "2", "$35.00",
                                                                                   "Demo Cashier"]
