"""The till's devices in the window: No sale (F8 and its button), auto-print, the history's
"Print to receipt printer", all on the training file printer, whose bytes the tests read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.qt.history_window import HistoryWindow
from pos_app.testing.devices import DRAWER_KICK
from tests.integration.reports.sales import sell

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"


def card_sale(pos, sku: str = "item2") -> dict:
    pos.add(sku)
    pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    return pos.last_order()


def test_f8_opens_the_drawer_for_no_sale_and_records_it(pos):
    event = pos.no_sale()
    assert {k: event[k] for k in ("reason", "order", "kicked")} == {"reason": "no_sale", "order": None,
                                                                     "kicked": True}
    assert event["device"] == f"file:{pos.local.settings.data_dir / 'printer.bin'}"
    assert pos.printed() == DRAWER_KICK + b"\x00\x32\x32"
    pos._wait(lambda: "No sale: the drawer is open" in pos.window.message_label.text(), "the till to say so")


def test_the_no_sale_button_does_the_same(pos, qtbot):
    button = pos.window.devices.no_sale_button
    assert button.isVisible() and button.objectName() == "noSaleButton"
    with qtbot.waitSignal(pos.window.devices.drawer_opened, timeout=10_000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened.args[0].kicked and [e["reason"] for e in pos.drawer_events()] == ["no_sale"]


@pytest.mark.pos_settings(printer="none")
def test_without_a_printer_no_sale_is_recorded_not_kicked_and_printed_says_why(pos):
    assert pos.no_sale()["kicked"] is False
    with pytest.raises(AssertionError, match="receipt printer is none, not a file"):
        pos.printed()


@pytest.mark.pos_settings(auto_print=True)
def test_auto_print_prints_the_receipt_after_the_sale(pos):
    order = card_sale(pos)
    pos.wait_printed()
    printed = pos.printed()
    assert f"Receipt {order['number']}".encode() in printed and b"$10.00" in printed and b"Visa **** 4242" in printed
    assert DRAWER_KICK not in printed  # a card sale opens no drawer


@pytest.mark.pos_settings(auto_print=True)
def test_a_split_sale_prints_each_tender_and_the_change_and_kicks_the_drawer_for_the_cash(pos):
    pos.add("item2")  # $10.00
    pos.add("item3")
    total = pos.total_minor()
    pos.charge(amount=500)  # a $5.00 card part
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    change = pos.pay_cash(tendered=total - 500 + 250)
    assert change == 250
    pos.wait_printed()
    printed = pos.printed()
    assert b"Visa **** 4242" in printed and b"$5.00" in printed  # the card part, for its amount
    assert b"Cash" in printed and b"Change" in printed and b"$2.50" in printed
    assert DRAWER_KICK in printed and [e["reason"] for e in pos.drawer_events()] == ["cash_sale"]


def test_no_receipt_is_printed_unless_auto_print_is_set(pos):
    card_sale(pos)
    pos.wait_printed()
    assert pos.printed() == b""


@pytest.mark.pos_settings(auto_print=True, printer="file:/nonexistent-folder/printer.bin")
def test_a_printer_that_fails_is_shown_and_the_sale_is_kept(pos):
    order = card_sale(pos)
    pos.wait_printed()
    pos.new_sale()
    label = pos.window.message_label
    pos._wait(lambda: "Could not print receipt" in label.text(), "the till to show the printer failure")
    assert label.property("kind") == "error" and "print the receipt again from the order history" in label.text()
    assert pos.local.store.orders.by_number(order["number"]) is not None and pos.cart() == {}
    card_sale(pos, "item3")  # the till sells on


@pytest.fixture
def history(qtbot, pos_app):
    sell(pos_app, {"item2": 1})
    window = HistoryWindow(pos_app.local, pos_app.payments)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def printed_bytes(core) -> bytes:
    from pathlib import Path
    path = Path(core.settings.receipt_printer.path)
    return path.read_bytes() if path.exists() else b""


def test_the_history_prints_a_copy_on_the_receipt_printer(qtbot, history, pos_app):
    action = history.receipt_printer
    assert action.button.isVisible() and action.button.isEnabled()
    number = history.current_order.number
    with qtbot.waitSignal(action.printed, timeout=10_000):
        qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    assert f"Receipt {number}  COPY".encode() in printed_bytes(pos_app)
    assert f"Receipt {number} printed on the receipt printer" in history.status.text()


@pytest.mark.pos_settings(printer="file:/nonexistent-folder/printer.bin")
def test_a_history_print_that_fails_says_why(qtbot, history):
    with qtbot.waitSignal(history.receipt_printer.print_failed, timeout=10_000):
        history.receipt_printer.print_current()
    assert "Could not print receipt" in history.status.text() and history.status.property("kind") == "error"


@pytest.mark.pos_settings(printer="none")
def test_without_a_printer_the_history_has_no_receipt_printer_button(history):
    assert not history.receipt_printer.button.isVisible()
