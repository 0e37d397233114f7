"""ApprovalDialog (objectName approvalDialog, form ui/approval_dialog.ui): a manager's PIN for one action.

Shown, not exec'd: `pin_entered(pin)` goes to whoever asked (they retry the action with it), who
closes it on success or calls show_refused(text) to keep it open for another try. Reusable by any
manager-only action (discounts and prices today; refunds, voids and the drawer later).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.qt.forms import child, load_form
from pos_app.qt.style import show_kind


class ApprovalDialog(QDialog):
    pin_entered = Signal(str)

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle("Manager's approval")
        self.setModal(True)
        form = load_form("approval_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        child(form, QLabel, "approvalMessage").setText(message)
        self.pin: QLineEdit = child(form, QLineEdit, "approvalPin")
        self.status: QLabel = child(form, QLabel, "approvalStatus")
        self.pin.returnPressed.connect(self._on_pin_return_pressed)
        ok = child(form, QPushButton, "approvalOkButton")
        ok.setAutoDefault(False)  # else Enter in the field presses it too: the PIN would be sent twice
        ok.clicked.connect(self._on_pin_return_pressed)
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_pin_return_pressed(self) -> None:
        pin = self.pin.text()
        self.pin.clear()  # a PIN never stays on screen or in the field
        self.pin_entered.emit(pin)

    def show_refused(self, text: str) -> None:
        show_kind(self.status, text, "error")
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)
