"""ReaderDialog (objectName readerDialog): "Present card on the reader", the outcome, Cancel and Close.

It renders a ReaderChargeController: the amount and state (readerStateLabel), the cashier's message
(readerMessage, property kind = info | error), Cancel (readerCancelButton, while the reader waits)
and Close (readerCloseButton, once the payment ended). In training it carries the simulated
reader's panel (reader_panel.py), so a trainee can "tap" a test card.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_app.domain import Money
from pos_app.domain.reader_charge import ReaderChargeState
from pos_app.i18n import N_, _
from pos_app.qt.money_text import money_text
from pos_app.qt.reader_controller import ReaderChargeController
from pos_app.qt.style import show_kind

R = ReaderChargeState
STATE_TEXTS = {
    R.STARTING: N_("Sending to the card reader…"), R.WAITING: N_("Present card on the reader"),
    R.CANCELLING: N_("Cancelling…"), R.RECORDING: N_("Recording the sale…"), R.APPROVED: N_("Approved"),
    R.DECLINED: N_("Declined"), R.CANCELLED: N_("Cancelled"), R.FAILED: N_("Not paid"), R.IDLE: N_("Card reader"),
}
STYLE = """
QLabel#readerStateLabel { font-size: 20px; font-weight: 600; }
QLabel#readerMessage[kind="error"] { color: #991b1b; font-weight: 600; }
"""


class ReaderDialog(QDialog):
    def __init__(self, controller: ReaderChargeController, amount: Money, locale: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerDialog")
        self.setWindowTitle(_("Card reader"))
        self.setStyleSheet(STYLE)
        self.controller = controller
        self.amount_label = self._label("readerAmountLabel", money_text(amount, locale))
        self.state_label = self._label("readerStateLabel", "")
        self.message_label = self._label("readerMessage", "")
        self.message_label.setWordWrap(True)
        self.cancel_button = QPushButton(_("Cancel on reader"), self)
        self.cancel_button.setObjectName("readerCancelButton")
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.setObjectName("readerCloseButton")
        layout = QVBoxLayout(self)
        for label in (self.amount_label, self.state_label, self.message_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.panel_slot = QVBoxLayout()
        layout.addLayout(self.panel_slot)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.close_button.clicked.connect(self.accept)
        controller.state_changed.connect(self._on_controller_state_changed)
        controller.message_changed.connect(self._on_controller_message_changed)
        self._on_controller_state_changed(controller.state)
        self.resize(420, 260)

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def add_panel(self, panel: QWidget) -> None:
        self.panel_slot.addWidget(panel)

    def _on_controller_state_changed(self, state: ReaderChargeState) -> None:
        self.state_label.setText(_(STATE_TEXTS[state]))
        self.cancel_button.setEnabled(state is R.WAITING)
        self.close_button.setEnabled(state.ended or state is R.IDLE)
        self.close_button.setDefault(state.ended)  # Enter closes once the payment ended

    def _on_controller_message_changed(self, kind: str, text: str) -> None:
        show_kind(self.message_label, text, kind)

    def _on_cancel_button_clicked(self) -> None:
        self.controller.cancel()

    def reject(self) -> None:
        """Esc: Cancel while the reader waits; the dialog closes only once the payment ended."""
        if self.controller.state is R.WAITING:
            self.controller.cancel()
        elif not self.controller.busy:
            super().reject()
