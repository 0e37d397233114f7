"""The till by touch: product tiles, the number pads (cash, PIN, approval, quantity), 44 px targets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from pos_app.qt.approval_dialog import ApprovalDialog
from pos_app.qt.numpad import Numpad
from pos_app.qt.theme import TOUCH_MIN_PX
from pos_app.qt.tiles import PAGE_TILES, TilePanel
from pos_app.qt.touch_controls import touch_controls
from pos_app.store.catalogue import CatalogueStore


def _too_small(buttons) -> list[str]:
    return [f"{b.objectName()} {b.width()}x{b.height()}" for b in buttons
            if b.isVisible() and (b.height() < TOUCH_MIN_PX or b.width() < TOUCH_MIN_PX)]


# -- tiles ---------------------------------------------------------------------------------------


def test_the_demo_tiles_show_favourites_then_categories(pos):
    tiles = pos.tiles()
    assert tiles[:3] == ["tile_latte", "tile_cappuccino", "tile_espresso"]
    assert "tileCategory_Coffee" in tiles and "tileCategory_Bakery" in tiles
    assert _too_small(touch_controls(pos.window).tiles.tiles()) == []


def test_an_item_tile_adds_as_enter_does_and_keeps_the_focus_in_the_search(pos, qtbot):
    pos.tap_tile("latte")
    uuid = pos.local.carts.uuid
    assert pos.cart() == {"latte": 1}
    pos.tap_tile("latte")
    assert pos.cart() == {"latte": 2} and pos.local.carts.uuid != uuid  # the cart's own add: a new revision
    assert pos.window.search.hasFocus()  # a scan after a tap still goes to the search field
    assert "Added Caffè Latte" in pos.window.message_label.text()


def test_a_category_tile_opens_its_items_and_back_returns(pos):
    pos.tap_tile("Coffee")
    assert set(pos.tiles()) == {f"tile_{sku}" for sku in ("americano", "cappuccino", "cold-brew", "espresso",
                                                            "flat-white", "latte", "macchiato", "mocha")}
    pos.tap_tile("Mocha")
    assert pos.cart() == {"mocha": 1}
    pos.tile_back()
    assert pos.tiles()[0] == "tile_latte"


@pytest.mark.pos_settings(user="cashier")
def test_an_open_price_tile_asks_for_its_price_as_the_search_does(pos):
    pos.tap_tile("Misc")
    assert pos.window.terms.dialog is not None and pos.cart() == {}


def test_a_tiles_file_of_the_shop_replaces_the_demo_tiles(tmp_path, pos_config, pos_app, qtbot):
    path = tmp_path / "shop-tiles.csv"
    path.write_text("label;sku;category\nHot milk;latte;\n;no-such-item;\nSweet;;Snacks\n", encoding="utf-8")
    panel = TilePanel(pos_app.open().store.catalogue, pos_config.with_(tiles_file=str(path)), lambda sku: True)
    qtbot.addWidget(panel)
    assert not panel.built  # nothing is read before the panel shows
    panel.show()
    qtbot.waitUntil(lambda: panel.built)  # just after its first paint
    assert [b.objectName() for b in panel.tiles()] == ["tile_latte", "tileCategory_Snacks"]  # unknown item left out
    assert panel.tiles()[0].text().startswith("Hot milk")


def test_a_big_category_is_shown_a_page_at_a_time(tmp_path, pos_config, pos_app, qtbot):
    catalogue: CatalogueStore = pos_app.open().store.catalogue
    rows = "".join(f"bulk{n:05},Bulk item {n:05},1.00,Bulk\n" for n in range(3 * PAGE_TILES + 5))
    (csv := tmp_path / "bulk.csv").write_text("sku,name,price,category\n" + rows, encoding="utf-8")
    catalogue.import_csv(csv)
    added: list[str] = []
    panel = TilePanel(catalogue, pos_config.with_(tiles_file=str(tmp_path / "none.csv")), added.append)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.built)
    assert "tileCategory_Bulk" in [b.objectName() for b in panel.tiles()]  # no file: a tile per category
    qtbot.mouseClick(panel.tile("Bulk"), Qt.MouseButton.LeftButton)
    assert len(panel.tiles()) == PAGE_TILES and panel.more_button.isVisible()
    for _page in range(3):
        qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert len(panel.tiles()) == 5 and not panel.more_button.isVisible() and panel.previous_button.isVisible()
    qtbot.mouseClick(panel.tiles()[-1], Qt.MouseButton.LeftButton)
    assert added == [f"bulk{3 * PAGE_TILES + 4:05}"]


# -- number pads ---------------------------------------------------------------------------------


def test_the_quantity_pad_sets_the_selected_lines_quantity_without_taking_the_focus(pos):
    pos.add("latte")
    pos.add("mocha")
    focused = pos.window.focusWidget()
    pos.numpad("12")
    assert pos.cart() == {"latte": 1, "mocha": 12}
    assert pos.window.focusWidget() is focused  # typing and scanning go where they went
    pos.numpad("0")  # the cart's rule: quantity 0 removes the line
    assert pos.cart() == {"latte": 1}


def test_cash_tendered_by_the_pad_gives_the_change(pos, qtbot):
    pos.add("latte")  # $4.00
    tenders = pos.window.tenders
    qtbot.mouseClick(tenders.cash_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tenders.cash_dialog is not None and tenders.cash_dialog.isVisible())
    dialog = tenders.cash_dialog
    assert _too_small(dialog.numpad.findChildren(QPushButton)) == []
    pos.numpad("5", enter=False)
    pos.numpad("00", enter=False)
    qtbot.mouseClick(dialog.numpad.key("backspace"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.numpad.key("backspace"), Qt.MouseButton.LeftButton)
    assert dialog.tendered.text() == "5" and dialog.focusWidget() is dialog.tendered  # the pad never takes it
    pos.numpad("")  # Enter: the field's own Enter
    qtbot.waitUntil(lambda: dialog.taken is not None)
    assert dialog.taken.change == 100


def test_a_pin_tapped_on_the_pin_screen_logs_in_and_is_never_shown(pos):
    pos.logout()
    lock = pos.window.till_lock
    assert lock.pin_field.echoMode() == QLineEdit.EchoMode.Password
    pos.numpad(pos.demo_pins["cashier"], enter=False)
    assert lock.pin_field.displayText() != pos.demo_pins["cashier"] and len(lock.pin_field.text()) == 4
    assert all(pos.demo_pins["cashier"] not in w.text() for w in lock.screen.findChildren(QPushButton))
    pos.numpad("")
    pos._wait(lambda: not lock.locked, "the log-in")
    assert pos.user() == "Demo Cashier (cashier)"


def test_the_approval_pad_types_the_pin_and_enter_approves(qtbot):
    dialog = ApprovalDialog("refund a sale")
    qtbot.addWidget(dialog)
    dialog.show()
    pins: list[str] = []
    dialog.pin_entered.connect(pins.append)
    for key in "1234":
        qtbot.mouseClick(dialog.numpad.key(key), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.numpad.key("clear"), Qt.MouseButton.LeftButton)
    assert dialog.pin.text() == ""
    for key in "4321":
        qtbot.mouseClick(dialog.numpad.key(key), Qt.MouseButton.LeftButton)
    assert dialog.pin.echoMode() == QLineEdit.EchoMode.Password
    qtbot.mouseClick(dialog.numpad.key("enter"), Qt.MouseButton.LeftButton)
    assert pins == ["4321"]


def test_a_pad_over_a_disabled_field_types_nothing(qtbot):
    field = QLineEdit()
    pad = Numpad(field)
    qtbot.addWidget(field)
    qtbot.addWidget(pad)
    field.setText("12")
    field.setEnabled(False)  # a PIN being checked: neither a digit nor Clear changes it
    qtbot.mouseClick(pad.key("7"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.key("clear"), Qt.MouseButton.LeftButton)
    assert field.text() == "12"
    field.setEnabled(True)
    qtbot.mouseClick(pad.key("clear"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.key("7"), Qt.MouseButton.LeftButton)
    QTest.keyClicks(field, "8")  # the keyboard still works beside the pad
    assert field.text() == "78"


# -- touch targets -------------------------------------------------------------------------------


def test_the_tills_and_its_dialogs_buttons_are_44_px_high(pos, qtbot):
    window = pos.window
    assert _too_small(window.findChildren(QPushButton)) == []
    pos.add("latte")
    dialog = window.tenders.open_cash()
    qtbot.waitUntil(dialog.isVisible)
    assert _too_small(dialog.findChildren(QPushButton)) == []
    dialog.close()
    approval = ApprovalDialog("clear the cart", window)
    approval.show()
    qtbot.waitUntil(approval.isVisible)
    assert _too_small(approval.findChildren(QPushButton)) == []
    approval.close()
    QApplication.processEvents()


@pytest.mark.pos_settings(idle_lock_seconds=2)
def test_a_tap_on_a_tile_is_input_for_the_idle_lock(pos, qtbot):
    idle = pos.window.till_lock._idle  # the lock's timer: a tap must start it again
    qtbot.waitUntil(lambda: 0 < idle.remainingTime() < 1500, timeout=3000)
    pos.tap_tile("latte")
    assert idle.remainingTime() > 1500 and not pos.window.till_lock.locked
