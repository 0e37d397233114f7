"""The till's one way to signal a problem the cashier must notice at once: a red flash and a beep.

An unknown barcode is scanned with the eyes elsewhere: the message line says what happened, and
`TillAlert.signal(widget)` flashes that widget red (the search field) and beeps. The beep is
`QApplication.beep` unless another is given (tests record it; a shop could play a QSoundEffect).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.qt.style import set_style_property

ALERT_PROPERTY = "alert"
FLASH_MS = 1500
ALERT_STYLE = ('QLineEdit[alert="true"] { background: #fee2e2; border: 2px solid #dc2626; color: #7f1d1d; }'
               'QLabel[alert="true"] { background: #fee2e2; }')


class TillAlert(QObject):
    """Flashes a widget red for FLASH_MS and beeps (`beep`, replaceable)."""

    def __init__(self, parent: QObject, beep: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.beep: Callable[[], None] = beep or QApplication.beep
        self.flashing: list[QWidget] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FLASH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def signal(self, *widgets: QWidget) -> None:
        """Flash `widgets` red and beep; a second signal within FLASH_MS starts the flash again."""
        self._on_timer_timeout()
        for widget in widgets:
            if ALERT_STYLE not in widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet() + ALERT_STYLE)
            set_style_property(widget, ALERT_PROPERTY, "true")
        self.flashing = list(widgets)
        self._timer.start()
        self.beep()

    def _on_timer_timeout(self) -> None:
        for widget in self.flashing:
            set_style_property(widget, ALERT_PROPERTY, "false")
        self.flashing = []
