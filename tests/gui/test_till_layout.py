"""The till at the screen sizes it is made for: item names readable, every action button on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from pos_app.qt.cart_model import CartColumn
from pos_app.qt.catalogue_model import CatalogueColumn
from pos_app.qt.readable_columns import NAME_MIN_TEXT
from pos_app.qt.till_layout import SCREEN_SIZES

pytestmark = pytest.mark.gui


def readable(table) -> int:
    """The width that shows "Chocolate Chip Cookie" whole, in the table's own font, with its padding."""
    return table.fontMetrics().horizontalAdvance(NAME_MIN_TEXT) + 16


@pytest.mark.parametrize("size", SCREEN_SIZES, ids=[f"{w}x{h}" for w, h in SCREEN_SIZES])
def test_names_stay_readable_and_every_button_is_in_the_window(qtbot, pos, size):
    window = pos.window
    pos.add("cookie")
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    qtbot.wait(20)  # the layouts settle on posted events
    assert window.minimumSizeHint().width() <= size[0] and window.minimumSizeHint().height() <= size[1]
    for table, name in ((window.catalogue_table, CatalogueColumn.NAME), (window.cart_table, CartColumn.NAME)):
        assert table.horizontalHeader().sectionSize(name) >= readable(table), (table.objectName(), size)
        assert table.horizontalScrollBar().maximum() == 0  # nothing hidden off to the side
    inside, bar = QRect(0, 0, *size), window.action_bar.bar
    for button in window.action_bar.in_bar():
        if button.objectName() == "voidTendersButton":
            continue  # shown only once a tender is taken
        assert button.isVisible(), button.objectName()
        top_left = button.mapTo(window, button.rect().topLeft())
        assert inside.contains(QRect(top_left, button.size())), (button.objectName(), size)
        if button.parent() is bar:  # its rows fit the bar: none drawn over the tables or the status bar
            assert bar.rect().contains(button.geometry()), (button.objectName(), size)


def test_the_columns_come_back_when_there_is_room(qtbot, window):
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.catalogue_table.isColumnHidden(CatalogueColumn.SKU))
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: not window.catalogue_table.isColumnHidden(CatalogueColumn.SKU))
    assert not window.cart_table.isColumnHidden(CartColumn.UNIT_PRICE)


def test_at_its_minimum_size_nothing_is_squeezed(qtbot, pos):
    """The window's minimum counts the rows the action bar needs at that width (FlowLayout), so the
    totals keep their height when the window is made as small as it goes."""
    window = pos.window
    pos.add("cookie")
    window.resize(window.minimumSizeHint())
    qtbot.wait(20)  # the layouts settle on posted events
    window.resize(window.minimumSizeHint())  # the bar's rows at this width are known now
    qtbot.wait(20)
    totals = window.form.findChild(QWidget, "totalsPanel")
    assert totals.height() >= totals.minimumSizeHint().height()
    assert window.cart_table.height() >= window.cart_table.minimumSizeHint().height()
