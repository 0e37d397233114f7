"""The till window's layout at any screen size: halves that share the width, item names that stay readable.

fit_till_layout(window) runs once, after the tables have their models: the catalogue and the cart
split the width equally (each shows item names), and each table hides its least needed columns
while its name column would be narrower than "Chocolate Chip Cookie" (ReadableColumns). The
action bar wraps by itself (qt/action_bar.py). Checked at 800×600 to 1920×1080 in
tests/gui/test_till_layout.py; scripts/screenshots.py takes each size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QSplitter

from pos_app.qt.cart_model import CartColumn
from pos_app.qt.catalogue_model import CatalogueColumn
from pos_app.qt.forms import child
from pos_app.qt.readable_columns import ReadableColumns

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow

SCREEN_SIZES = ((800, 600), (1024, 768), (1366, 768), (1920, 1080))  # the sizes the till is made for


def fit_till_layout(window: MainWindow) -> None:
    splitter = child(window.form, QSplitter, "mainSplitter")
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([10_000, 10_000])  # equal halves, whatever the width (scaled to fit)
    # Each is a child of its table (kept alive by it).
    ReadableColumns(window.catalogue_table, CatalogueColumn.NAME, (CatalogueColumn.SKU, CatalogueColumn.CATEGORY))
    ReadableColumns(window.cart_table, CartColumn.NAME, (CartColumn.UNIT_PRICE,))
