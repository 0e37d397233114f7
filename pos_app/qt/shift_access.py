"""ShiftAccess: the till's ways into the shift dialog (F7, the "no shift open" banner, the history window).

Installed on the till window by the composition root (qt/app.py:build_main_window), so the window
itself holds no cash-office code. With no open shift the banner says so and offers to open one;
it hides once a shift is open and comes back when the shift closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from pos_app.i18n import _

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext, PaymentsContext
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.shift_dialog import ShiftDialog
    from pos_app.qt.workers import TaskRunner

SHIFT_KEYS = "F7"  # the shift dialog, from the till and from the order history
BANNER_STYLE = ("QFrame#noShiftBanner { background: #e0f2fe; border: 2px solid #0284c7; border-radius: 6px; }"
                " QLabel#noShiftMessage { color: #0c4a6e; font-weight: 600; }")


def open_shift_dialog(parent: QWidget, local: LocalContext, payments: PaymentsContext | None,
                      queue: TaskRunner) -> ShiftDialog:
    """Show the shift dialog over `parent` (one per parent); its steps run on `queue`."""
    from pos_app.qt.shift_dialog import ShiftDialog
    dialog = parent.findChild(ShiftDialog, "shiftDialog")
    if dialog is None:
        dialog = ShiftDialog(local.shifts, local.store.orders, payments.gateway if payments else None,
                             local.settings, queue, parent)
        owner: QObject | None = parent
        while owner is not None:  # the till's banner follows a shift opened or closed from any window over it
            access = owner.findChild(ShiftAccess, "shiftAccess", Qt.FindChildOption.FindDirectChildrenOnly)
            if access is not None:
                dialog.shift_changed.connect(access.update_banner)
            owner = owner.parent()
    dialog.show_state()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


class ShiftAccess(QObject):
    """The banner and the F7 shortcut on the till window `window`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shiftAccess")
        self._window = window
        self.banner = QFrame(window.form)
        self.banner.setObjectName("noShiftBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        row = QHBoxLayout(self.banner)
        message = QLabel(_("No shift is open on this till: open one with its float to sell."), self.banner)
        message.setObjectName("noShiftMessage")
        message.setTextFormat(Qt.TextFormat.PlainText)  # as every form's labels are (qt/forms.py)
        self.open_button = QPushButton(_("Open shift… ({keys})").format(keys=SHIFT_KEYS), self.banner)
        self.open_button.setObjectName("openShiftBannerButton")
        row.addWidget(message, 1)
        row.addWidget(self.open_button)
        layout = window.form.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(1, self.banner)  # under the payment-in-doubt banner
        self.open_button.clicked.connect(self.open_dialog)
        self.update_banner()

    def open_dialog(self) -> ShiftDialog:
        window = self._window
        return open_shift_dialog(window, window.local, window.payments, window.queue)

    def update_banner(self) -> None:
        self.banner.setVisible(self._window.local.shifts.current() is None)
