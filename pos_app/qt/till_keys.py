"""TillKeys: the till's keys inside its search field, catalogue list and cart (its event filter).

Down / PageDown in the search field moves into the list (after a pending search has run), Esc
empties it; in the list Enter adds the highlighted item, Up on the first row or Esc goes back to
the search, and typing continues the search; in the cart + / - change the quantity, Delete
removes the line and Esc goes back to the search. Window shortcuts (F2, F4, F12...) are not here.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView

MOVE_INTO_LIST = (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class TillKeys(QObject):
    """Installed on the till window's search field, catalogue table and cart table."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        for widget in (window.search, window.catalogue_table, window.cart_table):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress:
            window = self._window
            if watched is window.search:
                return self._on_search_key(event)
            if watched is window.catalogue_table:
                return self._on_catalogue_key(event)
            if watched is window.cart_table:
                return self._on_cart_key(event)
        return False

    def _on_search_key(self, event) -> bool:
        window, key = self._window, event.key()
        if key in MOVE_INTO_LIST and window.scanner.pending:
            window.scanner.search_now()  # the list the cashier moves into answers what is typed
        if key in MOVE_INTO_LIST and window.catalogue_model.rowCount() > 0:
            table = window.catalogue_table
            table.setFocus(Qt.FocusReason.OtherFocusReason)
            table.setCurrentIndex(window.catalogue_model.index(max(table.currentIndex().row(), 0), 0))
            return True
        if key == Qt.Key.Key_Escape and window.search.text():
            window.search.clear()
            return True
        return False

    def _on_catalogue_key(self, event) -> bool:
        window, key = self._window, event.key()
        row, modifiers = window.catalogue_table.currentIndex().row(), event.modifiers()
        if key in ENTER and not modifiers & Qt.KeyboardModifier.ControlModifier:
            if row >= 0:
                window.catalogue.add_row(row)
            return True
        if (key == Qt.Key.Key_Up and row <= 0) or key == Qt.Key.Key_Escape:
            window.focus_search()
            return True
        text = event.text()
        if text and text.isprintable() and not modifiers & ~Qt.KeyboardModifier.ShiftModifier \
                & ~Qt.KeyboardModifier.KeypadModifier:
            # Typing in the list continues the search.
            window.search.setFocus(Qt.FocusReason.OtherFocusReason)
            window.search.insert(text)
            return True
        return False

    def _on_cart_key(self, event) -> bool:
        window = self._window
        if window.cart_table.state() == QAbstractItemView.State.EditingState:
            return False
        key, row, model = event.key(), window.cart_table.currentIndex().row(), window.cart_model
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self._keep_cart_row(row, model.change_qty(row, +1))
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self._keep_cart_row(row, model.change_qty(row, -1))
        elif (key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
              and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._keep_cart_row(row, model.remove_row(row))
        elif key == Qt.Key.Key_Escape:
            window.focus_search()
        else:
            return False
        return True

    def _keep_cart_row(self, row: int, changed: bool) -> None:
        """After a change keep a sensible current line (the same row, or the last one)."""
        count = self._window.cart_model.rowCount()
        if changed and count:
            self._window.select_cart_row(min(max(row, 0), count - 1))
