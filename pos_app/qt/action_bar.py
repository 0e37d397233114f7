"""ActionBar: the till's buttons and shortcuts, both built from the one table (qt/till_actions.py).

Buttons go into the form's actionBar (a FlowLayout: rows that wrap, so the window fits 800 px) or
its tenderLayout (Cash and Charge, beside the totals); each shows its first key ("History" over "F9") and
is a touch target of at least 44 px. Its QShortcuts are window shortcuts (off while the till is
locked, TillLock). The F1 help is built on first use. Built by MainWindow before its parts, which
find their buttons by objectName and enable them (TenderControls: Cash, Void; the window: Charge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QBoxLayout, QPushButton, QSizePolicy, QWidget

from pos_app.i18n import _
from pos_app.qt.flow_layout import FlowLayout
from pos_app.qt.forms import child
from pos_app.qt.shortcuts import add_shortcuts
from pos_app.qt.till_actions import BAR, FIELD, SALE, TILL_ACTIONS, TillAction

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.shortcuts_help import ShortcutsHelp

TOUCH_HEIGHT = 44  # px: the smallest touch target (Apple's HIG; Material asks 48 dp)
ACTION_BAR_STYLE = f"QPushButton {{ font-size: 10pt; min-height: {TOUCH_HEIGHT}px; padding: 2px 10px; }}"


def key_text(key: str) -> str:
    """A key as the platform writes it (Ctrl+Shift+Z, Strg+Umschalt+Z under a German Qt)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def button_text(action: TillAction) -> str:
    """The label over its first key: two short lines keep the buttons narrow (two rows of them at 800 px)."""
    label = _(action.label)
    if not action.keys:
        return label
    return f"{label}   {key_text(action.keys[0])}" if action.place == SALE else f"{label}\n{key_text(action.keys[0])}"


class ActionBar(QObject):
    def __init__(self, window: MainWindow, form: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("actionBarControls")
        self._window = window
        self.bar: QWidget = child(form, QWidget, "actionBar")
        self.bar.setStyleSheet(ACTION_BAR_STYLE)
        self.bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._flow = FlowLayout(self.bar)
        self._sale_row = form.findChild(QBoxLayout, "tenderLayout")
        self.actions: list[TillAction] = []
        self.buttons: dict[str, QPushButton] = {}
        self._help: ShortcutsHelp | None = None
        for action in TILL_ACTIONS:
            self.add(action)

    def add(self, action: TillAction) -> QPushButton | None:
        """The action's button (none for FIELD) and its shortcuts; F1 lists it from now on."""
        if any(a.object_name == action.object_name for a in self.actions):
            raise ValueError(f"a till action {action.object_name!r} exists already")
        taken = {key for a in self.actions for key in a.keys}
        if taken & set(action.keys):
            raise ValueError(f"keys {sorted(taken & set(action.keys))} belong to another till action")
        self.actions.append(action)
        window = self._window
        add_shortcuts(window, [key for key in action.keys if key], lambda: action.run(window))
        if action.place == FIELD:
            return None
        button = QPushButton(button_text(action), self.bar)
        button.setObjectName(action.object_name)
        button.setToolTip(_(action.tip) + (f" ({', '.join(key_text(k) for k in action.keys)})" if action.keys else ""))
        button.setMinimumHeight(TOUCH_HEIGHT)
        button.clicked.connect(lambda _checked=False: action.run(window))
        if action.place == SALE and self._sale_row is not None:
            self._sale_row.addWidget(button, 2 if action.object_name == "chargeButton" else 1)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        else:
            self._flow.addWidget(button)
        self.buttons[action.object_name] = button
        return button

    def in_bar(self) -> list[QPushButton]:
        """The buttons in the action bar and beside the totals, in table order."""
        return [self.buttons[a.object_name] for a in self.actions if a.place in (BAR, SALE)]

    def show_help(self) -> ShortcutsHelp:
        """F1: every shortcut with its action (built on first use, from the table)."""
        if self._help is None:
            from pos_app.qt.shortcuts_help import ShortcutsHelp
            self._help = ShortcutsHelp(self.actions, self._window)
        self._help.show()
        self._help.raise_()
        self._help.activateWindow()
        return self._help

    def open_refund(self):
        """Refund…: the order history, to choose the sale; its Refund (Ctrl+R) opens the refund dialog."""
        history = self._window.open_history()
        if history is not None:
            history.status.setText(_("Choose the sale to refund, then Refund (Ctrl+R)."))
            history.search.setFocus(Qt.FocusReason.OtherFocusReason)
        return history
