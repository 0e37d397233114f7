"""The till window driven with the keyboard alone: search, scan, cart keys, Charge state, doubt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from pos_app.config import TRAINING
from pos_app.qt.cart_model import CartColumn

pytestmark = pytest.mark.gui

OBJECT_NAMES = ["catalogueSearch", "categoryFilter", "catalogueTable", "cartTable", "subtotalLabel", "taxLabel",
                "totalLabel", "chargeButton", "modeBadge", "doubtBanner"]


def lines(window) -> dict[str, int]:
    return dict(window.services.carts.snapshot().lines)


def test_every_documented_widget_is_found_by_object_name(window):
    for name in OBJECT_NAMES:
        assert window.findChild(QWidget, name) is not None, name


def test_training_mode_is_visible(window):
    badge = window.findChild(QLabel, "modeBadge")
    assert window.core.mode == TRAINING
    assert badge.isVisible() and badge.text() == "TRAINING"
    assert "TRAINING" in window.status_mode.text()
    assert window.core.url in window.status_endpoint.text()


def test_focus_starts_in_search_and_typing_then_enter_adds_the_first_match(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "croiss")
    table = window.findChild(QTableView, "catalogueTable")
    assert table.model().rowCount() == 1
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert lines(window) == {"croissant": 1}
    assert window.findChild(QLabel, "totalLabel").text() == "$2.40"
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Enter again: one more
    assert lines(window) == {"croissant": 2}


def test_a_scanned_barcode_adds_its_item_and_clears_the_field(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "5012345600017")  # a scanner types digits, then Enter
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.keyClicks(search, "5012345600017")
    qtbot.keyClick(search, Qt.Key.Key_Enter)
    assert lines(window) == {"espresso": 2}
    assert search.text() == ""


def test_an_unknown_barcode_adds_nothing_and_says_so(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "9999999999999")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert lines(window) == {}
    assert window.message_label.isVisible() and "no item matches" in window.message_label.text()


def test_down_moves_into_the_list_where_enter_adds_the_highlighted_item(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    table = window.findChild(QTableView, "catalogueTable")
    qtbot.keyClicks(search, "tea")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = table.model().item_at(1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert lines(window) == {second.sku: 1}
    qtbot.keyClicks(table, "x")  # typing in the list goes back to the search
    assert QApplication.focusWidget() is search and search.text().endswith("x")


def test_category_filter_narrows_the_list(qtbot, window):
    window.category.setCurrentIndex(window.category.findText("Bakery"))
    model = window.catalogue_model
    assert model.rowCount() > 0
    assert {model.item_at(r).category for r in range(model.rowCount())} == {"Bakery"}


def test_cart_keys_change_quantity_and_remove_lines(qtbot, window):
    carts = window.services.carts
    carts.add("latte")
    carts.add("mocha")
    qtbot.waitUntil(lambda: window.cart_model.rowCount() == 2)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    cart = window.findChild(QTableView, "cartTable")
    assert QApplication.focusWidget() is cart and cart.currentIndex().row() == 0
    qtbot.keyClick(cart, Qt.Key.Key_Plus)
    qtbot.keyClick(cart, Qt.Key.Key_Plus)
    assert lines(window) == {"latte": 3, "mocha": 1}
    qtbot.keyClick(cart, Qt.Key.Key_Minus)
    assert lines(window) == {"latte": 2, "mocha": 1}
    qtbot.keyClick(cart, Qt.Key.Key_Down)
    qtbot.keyClick(cart, Qt.Key.Key_Delete)
    assert lines(window) == {"latte": 2}
    assert window.findChild(QLabel, "subtotalLabel").text() == "$8.00"
    assert window.findChild(QLabel, "taxLabel").text() == "$0.00"


def test_typing_a_quantity_in_the_cart_sets_it(qtbot, window):
    window.services.carts.add("latte")
    qtbot.waitUntil(lambda: window.cart_model.rowCount() == 1)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    cart = window.findChild(QTableView, "cartTable")
    assert cart.currentIndex().column() == CartColumn.QTY
    qtbot.keyClicks(cart, "7")  # starts the editor with "7"
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on a queued call
    qtbot.waitUntil(lambda: lines(window) == {"latte": 7})


def test_charge_is_disabled_for_an_empty_cart(qtbot, window):
    charge = window.findChild(QPushButton, "chargeButton")
    assert not charge.isEnabled()
    window.services.carts.add("latte")
    qtbot.waitUntil(charge.isEnabled)
    assert "F12" in charge.text() and "Ctrl+Enter" in charge.toolTip()


def test_changes_from_another_thread_reach_the_window(qtbot, window):
    import threading

    thread = threading.Thread(target=lambda: window.services.carts.add("cookie", 3))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: window.findChild(QLabel, "totalLabel").text() == "$5.70")


def test_a_payment_in_doubt_shows_the_banner_and_blocks_charge(qtbot, window):
    carts = window.services.carts
    carts.add("latte")
    carts.set_in_doubt(True)
    banner = window.findChild(QFrame, "doubtBanner")
    qtbot.waitUntil(banner.isVisible)
    assert not window.findChild(QPushButton, "chargeButton").isEnabled()
    # Retry check: reconcile (on the worker) finds nothing open, so the doubt is lifted.
    with qtbot.waitSignal(window.reconcile_finished, timeout=10000):
        qtbot.mouseClick(window.doubt_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert window.findChild(QPushButton, "chargeButton").isEnabled()
    assert window.status_gateway.text() == "Gateway: OK"


def test_the_cart_is_restored_on_restart(pos):
    pos.add("latte", qty=2)
    pos.add("brownie")
    uuid = pos.services.carts.uuid
    pos.restart()
    assert list(pos.cart().items()) == [("latte", 2), ("brownie", 1)]  # the lines in their order
    assert pos.services.carts.uuid == uuid
    assert pos.total_text() == "$10.80"
