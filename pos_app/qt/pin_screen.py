"""PinScreen: the PIN screen's form (ui/pin_screen.ui) with its numpad, as the till and its start screen show it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from pos_app.qt.forms import child, load_form
from pos_app.qt.numpad import Numpad, attach_numpad


class PinScreen:
    """The form `screen` (pinScreen) and the parts of it its users work: pin_field (the PIN, shown as
    dots; Enter submits it), pin_message (Checking…, a refusal), first_manager (how to create the
    first manager) and numpad (pinNumpad: the PIN by touch)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.screen = load_form("pin_screen.ui", parent)
        self.pin_field: QLineEdit = child(self.screen, QLineEdit, "pinField")
        self.pin_message: QLabel = child(self.screen, QLabel, "pinMessage")
        self.first_manager: QLabel = child(self.screen, QLabel, "pinFirstManager")
        self.numpad: Numpad = attach_numpad(self.pin_field, "pinNumpad")  # dots: the field's echo mode
