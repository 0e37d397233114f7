"""What the till tells the cashier about what just happened, installed on the window in one call.

`install_feedback(window)` (build_main_window) adds: the last-sale notice at start-up
(last_sale.py), Undo of the last Clear (clear_undo.py), a message line that never outlives its
cart revision (message_bar.py) and the red flash and beep of an unknown barcode (alerts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from pos_app.qt.alerts import TillAlert
from pos_app.qt.clear_undo import ClearUndo
from pos_app.qt.last_sale import LastSaleNotice
from pos_app.qt.message_bar import MessageFreshness

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow


class TillFeedback(QObject):
    """The window's feedback parts (objectName tillFeedback); `alert.beep` may be replaced."""

    def __init__(self, window: MainWindow, beep: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("tillFeedback")
        self.freshness = MessageFreshness(window)
        self.clear_undo = ClearUndo(window)
        self.last_sale = LastSaleNotice(window)
        self.alert = TillAlert(self, beep)
        window.catalogue.unknown_barcode.connect(self._on_catalogue_unknown_barcode)
        self._window = window

    def _on_catalogue_unknown_barcode(self, _code: str) -> None:
        self.alert.signal(self._window.search, self._window.message_label)


def install_feedback(window: MainWindow) -> TillFeedback:
    return TillFeedback(window)
