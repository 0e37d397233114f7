"""The till's action table: every action a button showing its key, the keys from the same rows, F1 lists them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from pos_app.qt.action_bar import TOUCH_HEIGHT, key_text
from pos_app.qt.till_actions import FIELD, TILL_ACTIONS, TillAction

pytestmark = pytest.mark.gui


def shortcut_keys(window) -> list[str]:
    return sorted(s.key().toString() for s in window.findChildren(QShortcut) if s.parent() is window)


def test_every_action_is_a_button_or_a_field_the_cashier_can_touch(window):
    for action in TILL_ACTIONS:
        widget = window.findChild(QWidget, action.object_name)
        assert widget is not None, action.object_name
        if action.place != FIELD:
            assert isinstance(widget, QPushButton), action.object_name
            if action.keys:
                assert key_text(action.keys[0]) in widget.text(), action.object_name


def test_every_window_shortcut_comes_from_the_table(window):
    declared = sorted(QKeySequence(key).toString() for a in window.action_bar.actions for key in a.keys if key)
    assert shortcut_keys(window) == declared  # no key the table does not list, none twice


def test_buttons_are_touch_targets(window):
    for button in window.action_bar.in_bar():
        if button.isVisible():
            assert button.height() >= TOUCH_HEIGHT, button.objectName()


def test_a_button_and_its_key_run_the_same_action(qtbot, window):
    qtbot.mouseClick(window.findChild(QPushButton, "historyButton"), Qt.MouseButton.LeftButton)
    history = window.findChild(QWidget, "historyWindow")
    assert history is not None and history.isVisible()
    history.close()
    window.activateWindow()
    window.focus_search()
    qtbot.keyClick(window.search, Qt.Key.Key_F9)
    qtbot.waitUntil(history.isVisible)


def test_refund_opens_the_history_to_choose_the_sale(qtbot, window):
    qtbot.mouseClick(window.findChild(QPushButton, "refundButton"), Qt.MouseButton.LeftButton)
    history = window.findChild(QWidget, "historyWindow")
    assert history.isVisible()
    assert "Choose the sale to refund" in history.status.text()


def test_f1_lists_every_shortcut_from_the_table_and_esc_closes_it(qtbot, window):
    assert window.findChild(QWidget, "shortcutsHelp") is None  # built on first use
    qtbot.keyClick(window.search, Qt.Key.Key_F1)
    help_dialog = window.findChild(QWidget, "shortcutsHelp")
    qtbot.waitUntil(help_dialog.isVisible)
    rows = help_dialog.rows()
    for action in TILL_ACTIONS:
        if action.keys:
            assert (action.label, ", ".join(key_text(k) for k in action.keys)) in rows
    assert ("History", "F9") in rows and ("Z report", "Ctrl+Shift+Z") in rows
    qtbot.keyClick(help_dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not help_dialog.isVisible())


def test_a_part_adds_its_action_with_one_row(qtbot, window):
    """What the card-reader action (issue 18) does: one TillAction, its button and key at once."""
    ran = []
    button = window.action_bar.add(TillAction("readerTestButton", "Reader", ("Ctrl+K",), lambda w: ran.append(w)))
    assert button is window.findChild(QPushButton, "readerTestButton") and "Ctrl+K" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.search, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert ran == [window, window]
    with pytest.raises(ValueError, match="another till action"):
        window.action_bar.add(TillAction("otherButton", "Other", ("F9",), lambda w: None))


def test_the_hint_line_no_longer_lists_some_keys(window):
    assert window.catalogue_hint.text() == "Enter adds · ↓ into the list · F1 every key"
    assert QApplication.focusWidget() is window.search
