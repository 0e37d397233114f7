"""ApprovalDialog (objectName approvalDialog, form ui/approval_dialog.ui): a manager's PIN for one action.

A cashier asked for a manager's action (a refund, a clear, No sale, a void, the shift's close):
the service said ApprovalRequired, whose message names the action (approvalAction). A manager
types their PIN into approvalPin and presses Enter; the dialog only asks: `pin_entered(pin)` goes
to whoever opened it, which redoes the action with that PIN off the GUI thread (the Argon2 check
is ~40 ms) and then closes the dialog, or calls show_refused(text) (a wrong PIN, a cashier's PIN,
the PIN pad locked) and the manager tries again. Esc cancels: nothing is done.

`ask_approval(...)` is that round trip for the till's parts: run a step with the PIN on a
TaskRunner, close on success, show the refusal on a PinRefused, give up on anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.numpad import attach_numpad
from pos_app.qt.style import show_kind
from pos_app.staff.service import PinRefused

if TYPE_CHECKING:
    from pos_app.qt.workers import TaskRunner

APPROVAL_STYLE = """
QLabel#approvalAction { font-size: 13pt; font-weight: 600; }
QLineEdit#approvalPin { font-size: 18pt; min-height: 40px; }
QPushButton { min-height: 44px; padding: 0 12px; }
QLabel#approvalStatus[kind="error"] { color: #991b1b; font-weight: 600; }
"""


class ApprovalDialog(QDialog):
    pin_entered = Signal(str)  # the manager's PIN, once Enter (or Approve) is pressed

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle(_("Manager's approval"))
        self.setModal(True)
        self.setStyleSheet(APPROVAL_STYLE)
        form = load_form("approval_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.action_label: QLabel = child(form, QLabel, "approvalAction")
        self.action_label.setText(message)
        self.pin: QLineEdit = child(form, QLineEdit, "approvalPin")
        self.status_label: QLabel = child(form, QLabel, "approvalStatus")
        self.ok_button: QPushButton = child(form, QPushButton, "approvalOkButton")
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        child(form, QPushButton, "approvalCancelButton").clicked.connect(self.reject)
        self.pin.returnPressed.connect(self._on_ok_button_clicked)
        self.numpad = attach_numpad(self.pin, "approvalNumpad")  # the PIN by touch (dots: the field's echo mode)
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_refused(self, text: str) -> None:
        """The PIN approved nothing: say why, and let the manager type it again."""
        self.ok_button.setEnabled(True)
        self.pin.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)
        show_kind(self.status_label, text, "error")

    def _on_ok_button_clicked(self) -> None:
        pin = self.pin.text()
        if not pin or not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)  # one check at a time
        self.pin.setEnabled(False)
        show_kind(self.status_label, _("Checking…"), "info")
        self.pin_entered.emit(pin)


def ask_approval(parent: QWidget, message: str, queue: TaskRunner, name: str, step: Callable[[str], object],
                 on_success: Callable[[object], None], on_failure: Callable[[BaseException], None]) -> ApprovalDialog:
    """Open the prompt for `message`; each PIN runs step(pin) on `queue`: its result goes to
    on_success (the prompt closes), a PinRefused back to the prompt, anything else to on_failure."""
    dialog = ApprovalDialog(message, parent)

    def succeeded(result: object) -> None:
        dialog.accept()
        on_success(result)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, PinRefused):
            dialog.show_refused(str(exc))
            return
        dialog.reject()
        on_failure(exc)

    dialog.pin_entered.connect(lambda pin: queue.submit(name, lambda: step(pin), on_success=succeeded,
                                                        on_failure=failed))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
