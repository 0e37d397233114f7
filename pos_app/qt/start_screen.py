"""StartScreen: the till's PIN screen, shown at once while the store opens behind it (qt/till_start.py).

A till always starts on its PIN screen, which needs no store until a PIN is entered: this window
is that screen (ui/pin_screen.ui with its numpad, as qt/till_lock.py shows it; the till window's
title, size and theme), saying the till's database is opening. The cashier can type a PIN meanwhile,
and press Enter: the PIN waits. hand_over(window) gives the till window this window's place, and
carries over what was typed (or logs the waiting PIN in).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from pos_app.config import Settings
from pos_app.i18n import _
from pos_app.qt.pin_screen import PinScreen
from pos_app.qt.style import show_kind, till_title
from pos_app.qt.theme import apply_theme

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow

log = logging.getLogger(__name__)

#: The till window's size (MainWindow resizes itself to the same): the one replaces the other.
TILL_SIZE = (1180, 720)


class StartScreen(QMainWindow):
    """objectName startScreen; `pin` is its PinScreen (pinScreen, pinField, pinNumpad...)."""

    def __init__(self, settings: Settings) -> None:
        apply_theme(settings.theme)  # before the widgets exist, as build_main_window does
        super().__init__()
        self.setObjectName("startScreen")
        self.setWindowTitle(till_title(settings.shop_name, settings.mode))
        self.resize(*TILL_SIZE)
        self.pin = PinScreen(self)
        self.setCentralWidget(self.pin.screen)
        self.pin.first_manager.setVisible(False)  # whether the till has a manager is in the store
        self.waiting_pin = ""  # a PIN submitted before the store was open
        opening = (_("Opening the shop database…") if settings.shared_database
                   else _("Opening the till's database…"))
        show_kind(self.pin.pin_message, opening, "info")
        self.pin.pin_field.returnPressed.connect(self._on_pin_field_return_pressed)
        self.pin.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_pin_field_return_pressed(self) -> None:
        pin = self.pin.pin_field.text()
        if not pin:
            return
        self.pin.pin_field.clear()
        self.pin.pin_field.setEnabled(False)  # as the till's PIN screen does while it checks
        self.waiting_pin = pin
        show_kind(self.pin.pin_message, _("Checking… (once the database is open)"), "info")

    def hand_over(self, window: MainWindow) -> None:
        """`window` takes this window's place (geometry, maximized or not) and what the cashier did here:
        a PIN submitted is logged in, digits typed stay typed. Call before showing it."""
        window.setGeometry(self.geometry())  # as it is (restoreGeometry would fit it to the screen anew)
        window.setWindowState(self.windowState())
        lock = window.till_lock
        if not lock.locked:  # someone is logged in already: the sale shows, nothing was asked for
            return
        if self.waiting_pin:
            log.info("logging in the PIN entered while the store opened")
            lock.log_in(self.waiting_pin)
        elif typed := self.pin.pin_field.text():
            lock.pin_field.setText(typed)
