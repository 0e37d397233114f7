"""TouchControls: the till's touch parts, installed on the window by the composition root (qt/app.py).

The theme (POS_THEME, qt/theme.py) goes on the application before the window is shown; the
product tiles (TilePanel) go beside the search list, in a splitter with it; the quantity pad
(QuantityPad: a Qty button in the tiles' header shows it) sets the selected cart line's quantity
as typing it in the cart does (CartModel.setData: the cart's rules, its messages). The window's
idle lock hears taps on all of them (TillLock.note_input). The window holds none of this code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (QBoxLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from pos_app.i18n import _
from pos_app.qt.cart_model import CartColumn
from pos_app.qt.catalogue_model import CatalogueColumn
from pos_app.qt.numpad import Numpad
from pos_app.qt.readable_columns import NAME_MIN_TEXT, NAME_PADDING
from pos_app.qt.theme import apply_theme, theme_form
from pos_app.qt.tiles import TilePanel
from pos_app.qt.till_layout import OPTIONAL_CATALOGUE_COLUMNS

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow

MAX_QTY = 9999
SPLITTER_HANDLE = 8  # px: the splitter's handle and the air around it


class QuantityPad(QWidget):
    """quantityPad: quantityField (the digits tapped, never focused) over quantityNumpad; Enter sets the
    selected cart line's quantity, and the focus stays in the search field throughout."""

    def __init__(self, window: MainWindow, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("quantityPad")
        self.setAccessibleName(_("Quantity pad"))
        self.setAccessibleDescription(_("Type a quantity, then Enter: it becomes the selected cart line's"))
        self._window = window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        caption = QLabel(_("Line quantity"), self)
        caption.setObjectName("quantityCaption")
        caption.setTextFormat(Qt.TextFormat.PlainText)  # as every label of the till (forms.plain_text_labels)
        self.field = QLineEdit(self)
        self.field.setObjectName("quantityField")
        self.field.setValidator(QIntValidator(0, MAX_QTY, self.field))
        self.field.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the pad's display: the search keeps the keyboard
        self.field.setAccessibleName(_("Quantity"))
        self.field.setAccessibleDescription(_("The quantity typed on the pad"))
        self.field.returnPressed.connect(self._on_field_return_pressed)
        row.addWidget(caption)
        row.addWidget(self.field)
        layout.addLayout(row)
        self.numpad = Numpad(self.field, self, take_focus=False)
        self.numpad.setObjectName("quantityNumpad")
        layout.addWidget(self.numpad)

    def _on_field_return_pressed(self) -> None:
        window, text = self._window, self.field.text().strip()
        row = window.cart_table.currentIndex().row()
        if not text:
            return
        if row < 0:
            window.show_error(_("Choose a cart line first, then its quantity."))
            return
        if window.cart_model.setData(window.cart_model.index(row, CartColumn.QTY), text):
            self.field.clear()
            if 0 <= row < window.cart_model.rowCount():
                window.select_cart_row(row)


class TouchControls(QObject):
    """objectName touchControls: `tiles` (TilePanel), `quantity_button`, and `quantity()` (the QuantityPad,
    built when Qty… is first pressed: start-up doesn't pay for its fifteen buttons)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("touchControls")
        theme = window.settings.theme
        apply_theme(theme)
        theme_form(window.form, theme)
        side = QWidget()
        side.setObjectName("touchPanel")
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        self._window, self._side, self._side_layout = window, side, layout
        self.tiles = TilePanel(window.local.store.catalogue, window.settings, window.terms.add_sku, side)
        self._quantity: QuantityPad | None = None
        self.quantity_button = QPushButton(_("Qty…"), self.tiles)
        self.quantity_button.setObjectName("quantityButton")
        self.quantity_button.setCheckable(True)
        self.quantity_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.quantity_button.setAccessibleName(_("Quantity pad"))
        self.quantity_button.setAccessibleDescription(_("Shows or hides the pad that sets a line's quantity"))
        self.quantity_button.toggled.connect(self._on_quantity_button_toggled)
        self.tiles.header.addWidget(self.quantity_button)
        layout.addWidget(self.tiles, 1)
        place_beside(window.catalogue_table, side)
        for tapped in (self.tiles.tile_tapped, self.quantity_button.toggled):
            tapped.connect(window.till_lock.note_input)  # a tap is input: the idle lock starts again

    def quantity(self) -> QuantityPad:
        """The quantity pad, under the tiles (made the first time it is asked for)."""
        if self._quantity is None:
            self._quantity = pad = QuantityPad(self._window, self._side)
            pad.hide()
            pad.numpad.key_tapped.connect(self._window.till_lock.note_input)
            self._side_layout.addWidget(pad)
        return self._quantity

    def _on_quantity_button_toggled(self, checked: bool) -> None:
        self.quantity().setVisible(checked)


def place_beside(widget: QWidget, extra: QWidget) -> QSplitter:
    """Put `extra` to the right of `widget`, in a splitter where `widget` stood in its layout."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("tileSplitter")
    splitter.setChildrenCollapsible(False)
    if isinstance(layout, QBoxLayout):
        at = layout.indexOf(widget)
        stretch = layout.stretch(at)
        layout.takeAt(at)
        layout.insertWidget(at, splitter, stretch or 1)  # the list took the slack: the splitter does now
    splitter.addWidget(widget)
    splitter.addWidget(extra)
    splitter.setStretchFactor(0, 1)  # the list takes the slack; the tiles keep a column's width until dragged
    splitter.setStretchFactor(1, 0)
    if isinstance(widget, QTableView):
        TilesUnderWhenNarrow(splitter, widget, extra)
    return splitter


def tiles_beside(splitter_width: int, tiles_width: int, list_needs: int) -> bool:
    """Beside the list while both fit at their readable widths; under it otherwise (800x600)."""
    return splitter_width - tiles_width - SPLITTER_HANDLE >= list_needs


class TilesUnderWhenNarrow(QObject):
    """On a narrow screen the tiles beside the list would squeeze the item names unreadable: the
    splitter turns vertical (tiles under the list) and back as the window is resized."""

    def __init__(self, splitter: QSplitter, table: QTableView, tiles: QWidget) -> None:
        super().__init__(splitter)
        self._splitter, self._table, self._tiles = splitter, table, tiles
        splitter.installEventFilter(self)

    def list_needs(self) -> int:
        """The narrowest the list may be: a readable name and the columns that never hide."""
        table, header = self._table, self._table.horizontalHeader()
        readable = table.fontMetrics().horizontalAdvance(NAME_MIN_TEXT) + NAME_PADDING
        kept = sum(header.sectionSize(c) for c in range(header.count())
                   if c != CatalogueColumn.NAME and c not in OPTIONAL_CATALOGUE_COLUMNS)
        return readable + kept + table.verticalScrollBar().sizeHint().width() + 2 * table.frameWidth()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            beside = tiles_beside(self._splitter.width(), self._tiles.minimumSizeHint().width(), self.list_needs())
            wanted = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
            if self._splitter.orientation() != wanted:
                self._splitter.setOrientation(wanted)
        return False


def touch_controls(window: QWidget) -> TouchControls | None:
    """The window's TouchControls (installed by build_main_window)."""
    return window.findChild(TouchControls, "touchControls")
