"""Tenders through the till window, as a cashier does: cash with change, split sales, the shift guard."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"


def ring_up(pos) -> None:
    pos.add("item2")
    pos.add("item3")  # 25.00
    assert pos.total_text() == "$25.00"


def test_cash_with_change_records_the_sale_and_opens_the_drawer(pos):
    ring_up(pos)
    assert pos.pay_cash(5000) == 2500
    order = pos.last_order()
    assert order["total"] == 2500 and order["payment_intent"] is None
    [tender] = pos.tenders()
    assert (tender["type"], tender["amount"], tender["tendered"], tender["change"]) == ("cash", 2500, 5000, 2500)
    assert pos.cart() == {}
    shift = pos.local.store.shifts.current(pos.local.settings.terminal_id)
    assert [o.reason.value for o in pos.local.store.drawer.for_shift(shift.id)] == ["cash_sale"]


def test_exact_cash_by_enter(pos):
    ring_up(pos)
    assert pos.pay_cash() == 0
    assert pos.last_order()["total"] == 2500


def test_f11_opens_the_cash_dialog_and_enter_takes_the_exact_amount(pos, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    ring_up(pos)
    pos.window.activateWindow()
    QTest.keyClick(pos.window.search, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: pos.window.tenders.cash_dialog is not None)
    dialog = pos.window.tenders.cash_dialog
    assert dialog.due_label.text() == "Due in cash: $25.00"
    assert [b.text() for b in dialog.quick_buttons] == ["$25.00", "$50.00", "$100.00", "$200.00"]
    QTest.keyClick(dialog.tendered, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.taken is not None)
    assert dialog.change_label.text() == "Change: $0.00" and dialog.taken.order.total == 2500


def test_f10_goes_to_the_card_part_amount_and_enter_charges_that_part(pos, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    ring_up(pos)
    field = pos.window.tenders.part_amount
    assert field.placeholderText() == "Card part amount (empty: all)"
    pos.window.activateWindow()
    QTest.keyClick(pos.window.search, Qt.Key.Key_F10)
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClicks(field, "10.00")
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pos.dialog is not None, timeout=15000)
    assert pos.dialog.prepared.amount == 1000 and field.text() == ""
    pos.cancel_payment()


def test_a_card_part_then_cash_for_the_rest(pos):
    ring_up(pos)
    pi = pos.charge(1000)
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    pos.new_sale()  # Done on "card part paid"
    assert pos.window.tenders.due_label.text() == "Paid $10.00 · still due $15.00"
    assert pos.cart() == {"item2": 1, "item3": 1}  # the sale goes on
    assert pos.pay_cash(2000) == 500
    assert [(t["type"], t["amount"]) for t in pos.tenders()] == [("card", 1000), ("cash", 1500)]
    assert pos.tenders()[0]["payment_intent"] == pi


def test_cash_then_charge_takes_what_is_left_and_the_receipt_lists_both(pos):
    ring_up(pos)
    assert pos.pay_cash(1000) == 0
    assert pos.window.tenders.due_label.isVisible()
    pos.charge()
    assert pos.dialog.prepared.amount == 1500
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    receipt = pos.receipt_text()
    assert "Cash" in receipt and "$10.00" in receipt and "$15.00" in receipt and "4242" in receipt


def test_a_paid_card_stays_the_whole_sale_and_tenders_shows_it(pos):
    ring_up(pos)
    pi = pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    assert [(t["type"], t["amount"], t["payment_intent"]) for t in pos.tenders()] == [("card", 2500, pi)]


@pytest.mark.pos_settings(open_shift=False)
def test_without_an_open_shift_no_tender_is_taken(pos):
    ring_up(pos)
    with pytest.raises(AssertionError, match="open a shift first"):
        pos.pay_cash()
    assert pos.local.store.orders.count() == 0
