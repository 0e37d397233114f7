"""ParkDialog (objectName parkDialog, form ui/park_dialog.ui): park the sale, with a label if the cashier names it.

Shown, not exec'd. It only asks: `given(label)` ("" when nothing was typed) goes to
ParkingControls, which parks and closes it, or calls show_refused(text) to keep it open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.style import show_kind


class ParkDialog(QDialog):
    given = Signal(str)  # the label typed

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parkDialog")
        self.setWindowTitle(_("Park the sale"))
        self.setModal(True)
        form = load_form("park_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.setMinimumWidth(420)  # the label's placeholder in full
        child(form, QLabel, "parkMessage").setText(message)
        self.label: QLineEdit = child(form, QLineEdit, "parkLabel")
        self.status: QLabel = child(form, QLabel, "parkStatus")
        self.label.returnPressed.connect(self._on_label_return_pressed)
        ok = child(form, QPushButton, "parkOkButton")
        ok.setAutoDefault(False)  # else Enter in the field presses it too: the sale would be parked twice
        ok.clicked.connect(self._on_label_return_pressed)
        self.label.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_label_return_pressed(self) -> None:
        self.given.emit(self.label.text())

    def show_refused(self, text: str) -> None:
        show_kind(self.status, text, "error")
        self.label.setFocus(Qt.FocusReason.OtherFocusReason)
