"""PosDriver.discount / override_price / approve against the real till: a cashier, a manager's PIN, the sale."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def log_in(pos, pin: str) -> None:
    """The pos fixture's log-in is another helper's: these tests log in themselves."""
    session = pos.window.local.session
    session.staff.ensure_demo_users()
    session.login(pin)


def test_a_cashier_discounts_a_line_and_a_manager_approves_a_bigger_one(pos, tmp_path):
    log_in(pos, "0000")
    pos.add("item2", 2)  # 2 x $10.00
    uuid = pos.window.local.carts.uuid
    assert pos.discount(percent="10", sku="item2", reason="dented") == "applied"
    assert pos.cart_line_total("item2") == "$18.00" and pos.window.local.carts.uuid != uuid
    shown = pos.window.form.findChild(QLabel, "discountLabel")
    assert shown.isVisible() and shown.text() == "-$2.00"  # the totals say what the discount took off
    row = pos.window.cart_model.row_of("item2")
    assert pos.window.cart_model.index(row, 0).data() == "Item 2  (−$2.00 dented)"  # and the line says why
    assert pos.discount(percent="50", reason="friend") == "approval_required"
    pos.window.grab().save(str(tmp_path / "approval.png"))
    with pytest.raises(AssertionError, match="not a manager"):
        pos.approve("0000")
    assert pos.approve("1234") == "applied"
    snap = pos.window.local.carts.snapshot()
    assert snap.totals.subtotal.amount == 900 and snap.order_discount.reason == "friend"
    assert [e.type for e in pos.window.local.store.journal.entries()][-2:] == ["approval", "discount"]


def test_a_manager_overrides_a_price_and_the_receipt_says_so(pos, tmp_path):
    log_in(pos, "1234")
    pos.add("item1", 1)
    assert pos.override_price("item1", 450, "price match") == "applied"
    assert pos.cart_line_total("item1") == "$4.50"
    pos.window.grab().save(str(tmp_path / "override.png"))
    pos.pay_cash()
    order = pos.window.local.store.orders.recent(1)[0]
    assert (order.lines[0].unit_price, order.lines[0].list_price, order.lines[0].override_reason) == (
        450, 500, "price match")


def test_a_cashiers_override_asks_for_a_manager(pos):
    log_in(pos, "0000")
    pos.add("item1", 1)
    assert pos.override_price("item1", 300) == "approval_required"
    assert pos.approve("1234") == "applied"
    assert pos.cart_line_total("item1") == "$3.00"


def test_an_open_price_item_asks_for_its_price_when_it_is_added(pos, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    log_in(pos, "0000")
    assert pos.search("misc") and "misc" in pos.catalogue_skus()
    pos.window.catalogue.table.setFocus()
    pos.window.catalogue.table.selectRow(0)
    QTest.keyClick(pos.window.catalogue.table, Qt.Key.Key_Return)
    dialog = pos.window.terms.dialog
    assert dialog is not None and dialog.open_price and not dialog.reason.isVisible()
    assert pos.cart() == {}  # nothing added until it has a price
    QTest.keyClicks(dialog.amount, "7.25")
    QTest.keyClick(dialog.amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pos.window.terms.dialog is None)
    assert pos.cart() == {"misc": 1} and pos.cart_line_total("misc") == "$7.25"
    assert [e.type for e in pos.window.local.store.journal.entries()][-1] == "open_price"
