"""ShortcutsHelp (F1): every till shortcut with its action, read from the till's action table; Esc closes.

Built on the first F1 (ActionBar.show_help), never at start-up. The keys that work inside the
lists (qt/till_keys.py) follow the table's, so the cashier finds every key in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from pos_app.i18n import N_, _
from pos_app.qt.action_bar import TOUCH_HEIGHT, key_text
from pos_app.qt.till_actions import TillAction

#: The keys inside the search field, the catalogue list and the cart (TillKeys), not window shortcuts.
LIST_KEYS: tuple[tuple[str, str], ...] = (
    (N_("Enter"), N_("Add the highlighted item (in the search or the list)")),
    (N_("Down"), N_("From the search into the list")),
    (N_("Esc"), N_("Back to the search (in the list or the cart); empty the search")),
    (N_("+ / -"), N_("In the cart: one more / one less")),
    (N_("Delete"), N_("In the cart: remove the line")),
)


class ShortcutsHelp(QDialog):
    def __init__(self, actions: Sequence[TillAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsHelp")
        self.setWindowTitle(_("Keys of the till"))
        layout = QVBoxLayout(self)
        intro = QLabel(_("Every action is also a button on the till; these are its keys."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([_("Action"), _("Keys"), _("What it does")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # two dozen rows, built once
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for action in actions:
            if action.keys:
                self._add_row(_(action.label), ", ".join(key_text(key) for key in action.keys), _(action.tip))
        for key, what in LIST_KEYS:
            self._add_row("", _(key), _(what))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("shortcutsButtons")
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setMinimumHeight(TOUCH_HEIGHT)
        layout.addWidget(buttons)
        self.resize(820, 720)

    def _add_row(self, what: str, keys: str, tip: str) -> None:
        """An action's row (its label, keys, tip), or a key of the lists (no label: the tip says it)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((what, keys, tip)):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setItem(row, column, item)

    def rows(self) -> list[tuple[str, str]]:
        """(action, keys) as shown, for tests."""
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""
        return [(text(row, 0), text(row, 1)) for row in range(self.table.rowCount())]
