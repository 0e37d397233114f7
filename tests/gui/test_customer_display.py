"""The customer display (qt/customer_display.py) over a real till: the lines, the total, the change, thanks.

Offscreen Qt has one screen, so the window is built and shown here as install_customer_display does
on a second one; which screen it takes is tested as a pure function (tests/unit/qt/test_till_layout_rules.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from pos_app.qt.cart_model import CartColumn
from pos_app.qt.customer_screen import install_customer_display

pytestmark = pytest.mark.gui


@pytest.fixture
def display(qtbot, pos):
    from pos_app.qt.customer_display import CustomerDisplay

    shown = CustomerDisplay(pos.window)
    shown.resize(1024, 600)
    with qtbot.waitExposed(shown):
        shown.show()
    pos.window.activateWindow()  # offscreen Qt activates any window shown; a real screen keeps the till's focus
    qtbot.waitUntil(pos.window.isActiveWindow)
    return shown


def back_to_till(qtbot, pos) -> None:
    """Offscreen Qt hands activation to the display when a dialog closes; a real window manager
    keeps it off a window that does not accept focus."""
    pos.window.activateWindow()
    qtbot.waitUntil(pos.window.isActiveWindow)


def shown_lines(display) -> list[tuple[str, str]]:
    model = display.lines.model()
    return [(model.index(row, CartColumn.NAME).data(), model.index(row, CartColumn.QTY).data())
            for row in range(model.rowCount())]


def test_it_follows_the_cart_as_items_are_scanned(pos, display):
    assert display.message.text() == "Welcome" and display.total.text() == ""
    pos.add("latte")
    pos.add("latte")
    pos.add("croissant")
    assert shown_lines(display) == [("Caffè Latte", "2"), ("Butter Croissant", "1")]
    assert display.total.text() == "Total $10.40"  # 2 × 4.00 + 2.40, as the till's totalLabel
    assert pos.window.total_label.text() == "$10.40"
    assert display.lines.isColumnHidden(CartColumn.UNIT_PRICE)


def test_after_a_cash_sale_it_shows_the_change_and_thanks(qtbot, pos, display):
    pos.add("latte")  # $4.00
    change = pos.pay_cash(tendered=1000)
    assert change == 600
    assert display.message.text() == "Thank you!\n\nYour change: $6.00\n(paid $10.00)"
    assert display.message.isVisible() and not display.lines.isVisible() and not display.total.isVisible()
    assert shown_lines(display) == []
    back_to_till(qtbot, pos)
    pos.add("croissant")  # the next customer
    assert display.lines.isVisible() and not display.message.isVisible()
    assert display.total.text() == "Total $2.40"


def test_after_a_card_sale_it_thanks_with_what_was_paid(pos, display):
    pos.add("croissant")
    pos.charge()
    pos.enter_card("4242424242424242")
    assert pos.pay() == "succeeded"
    assert display.message.text() == "Thank you!\nPaid $2.40"


def test_a_till_with_one_screen_opens_no_display(pos):
    assert install_customer_display(pos.window) is None  # offscreen: one screen, POS_CUSTOMER_SCREEN=auto
    assert pos.window.findChild(QWidget, "customerDisplay") is None


def test_asked_for_by_number_it_opens_full_screen_there(qtbot, pos):
    pos.window.settings = pos.window.settings.with_(customer_screen="0")
    display = install_customer_display(pos.window)
    assert display is not None and display.objectName() == "customerDisplay"
    qtbot.waitUntil(display.isVisible)
    assert display.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert display.isFullScreen() and display.screen() is pos.window.screen()
    display.close()
