"""Which screen the customer display goes on (POS_CUSTOMER_SCREEN), and opening it there.

choose_screen() is a pure function of the screens list, so it is tested without a second monitor
(offscreen Qt has one screen). The display window (qt/customer_display.py) is imported and built
only when a screen is chosen: a till with one screen pays nothing for it at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from pos_app.qt.customer_display import CustomerDisplay
    from pos_app.qt.main_window import MainWindow

log = logging.getLogger(__name__)

Screen = TypeVar("Screen")


def choose_screen(screens: Sequence[Screen], till_screen: Screen | None, setting: str) -> Screen | None:
    """The screen for the customer display: "off" none; "auto" the first screen that is not the
    till's (none with one screen); a number that screen (even the till's: asked for), none if absent."""
    if setting == "off":
        return None
    if setting == "auto":
        return next((screen for screen in screens if screen is not till_screen), None)
    index = int(setting)
    if index >= len(screens):
        log.warning("POS_CUSTOMER_SCREEN=%s: there are only %d screen(s); no customer display", setting,
                    len(screens))
        return None
    return screens[index]


def install_customer_display(window: MainWindow) -> CustomerDisplay | None:
    """Open the customer display on its screen, if one is chosen (a window of the till's: it closes with it)."""
    screens = QGuiApplication.screens()
    till_screen = window.screen() or QGuiApplication.primaryScreen()
    screen = choose_screen(screens, till_screen, window.settings.customer_screen)
    if screen is None:
        return None
    from pos_app.qt.customer_display import CustomerDisplay
    display = CustomerDisplay(window)
    display.show_on(screen)
    return display
