"""Window keyboard shortcuts: added in one call per action, and kept from text fields that claim them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

REPORT_KEYS = "Ctrl+Shift+Z"  # the Z report, from the till and from the order history


def add_shortcuts(window: QWidget, keys: Iterable[str], slot: Callable[[], object]) -> None:
    """Each of `keys` runs slot while `window` (or any of its children) has the focus."""
    for key in keys:
        QShortcut(QKeySequence(key), window, slot, context=Qt.ShortcutContext.WindowShortcut)


class ShortcutPassThrough(QObject):
    """Lets window shortcuts win over a text field's own use of the same keys.

    A QLineEdit claims its editing keys before shortcuts see them (ShortcutOverride): on Linux
    Ctrl+Shift+Z is its Redo, so the Z report shortcut would never fire from a search field.
    Installed on such a field, this filter declines the claim for the given keys.
    """

    def __init__(self, parent: QObject, *keys: str) -> None:
        super().__init__(parent)
        self._keys = [QKeySequence(key) for key in keys]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in self._keys):
                return True  # not accepted by the field: the window's shortcut gets the key
        return False


def pass_shortcuts_through(field: QWidget, *keys: str) -> None:
    field.installEventFilter(ShortcutPassThrough(field, *keys))
