"""ParkingControls: the till's Park (F5) and Recall… (Shift+F5) buttons, the park dialog and the list of parked sales.

Installed on the till window by the composition root (qt/app.py:build_main_window), so the
window holds no parking code. The dialogs only ask; this parks and recalls through Parking
(local.parking, where the cashier's check is), on the GUI thread: both are local SQLite
commits. Cancelling a parked cart's open PaymentIntent is network, so it goes to the window's
checkout worker (ChargeController.close_voided), as a cleared cart's does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from pos_app.domain import Money
from pos_app.errors import UserFacingError
from pos_app.i18n import _, ngettext
from pos_app.qt.forms import child
from pos_app.qt.money_text import money_text

if TYPE_CHECKING:
    from pos_app.qt.parked_dialog import ParkedDialog
    from pos_app.qt.park_dialog import ParkDialog
    from pos_app.qt.main_window import MainWindow


class ParkingControls(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("parkingControls")
        self.window = window
        self.park_dialog: ParkDialog | None = None
        self.parked_dialog: ParkedDialog | None = None
        self.park_button: QPushButton = child(window.form, QPushButton, "parkButton")
        self.recall_button: QPushButton = child(window.form, QPushButton, "recallButton")

    # -- park ------------------------------------------------------------------------------------

    def open_park(self) -> None:
        """Ask for an optional label, unless the cart can't be parked now (said in the message line)."""
        carts = self.window.local.carts
        try:
            carts.check_mutable()
        except UserFacingError as exc:
            self.window.show_error(_("This sale can't be parked now: {reason}").format(reason=exc))
            return
        snap = carts.snapshot()
        if snap.empty:
            self.window.show_error(_("The cart is empty: there is nothing to park."))
            return
        total = money_text(snap.totals.total, self.window.settings.locale)
        lines = len(snap.lines)
        from pos_app.qt.park_dialog import ParkDialog  # on first use, not at start-up
        dialog = self.park_dialog = ParkDialog(ngettext(
            "Park this sale ({lines} line, {total}) and start a new one.",
            "Park this sale ({lines} lines, {total}) and start a new one.", lines).format(lines=lines, total=total),
            self.window)
        dialog.given.connect(self._on_park_dialog_given)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.show()

    def _on_park_dialog_given(self, label: str) -> None:
        dialog = self.park_dialog
        if dialog is None:
            return
        try:
            parked = self.window.local.parking.park(label or None)
        except UserFacingError as exc:
            dialog.show_refused(str(exc))
            return
        dialog.accept()
        self.window.charging.close_voided()  # its open intent is cancelled on the checkout worker
        self.window._show_snapshot()
        self.window.show_info(_("Sale parked as “{label}”. Recall it with Shift+F5.").format(label=parked.label))
        self.window.activateWindow()  # the keyboard belongs to the till again (F5 works at once)
        self.window.focus_search()

    # -- recall ----------------------------------------------------------------------------------

    def open_recall(self) -> None:
        """The parked sales, newest first; Enter recalls the chosen one."""
        settings = self.window.settings
        from pos_app.qt.parked_dialog import ParkedDialog
        dialog = self.parked_dialog = ParkedDialog(self.window.local.parking.parked(), settings.currency,
                                                   settings.locale, self.window)
        dialog.recall_wanted.connect(self._on_parked_dialog_recall_wanted)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.show()

    def _on_parked_dialog_recall_wanted(self, parked_id: int) -> None:
        dialog = self.parked_dialog
        if dialog is None:
            return
        try:
            snapshot = self.window.local.parking.recall(parked_id)
        except UserFacingError as exc:
            dialog.show_refused(str(exc))
            return
        dialog.accept()
        self.window._show_snapshot(snapshot)
        total = money_text(Money(snapshot.totals.total.amount, snapshot.totals.currency), self.window.settings.locale)
        lines = len(snapshot.lines)
        self.window.show_info(ngettext("Parked sale recalled: {lines} line(s), {total}.",
                                       "Parked sale recalled: {lines} line(s), {total}.", lines).format(
                                           lines=lines, total=total))
        self.window.activateWindow()
        self.window.focus_cart()

    def _forget(self, dialog: object) -> None:
        if self.park_dialog is dialog:
            self.park_dialog = None
        if self.parked_dialog is dialog:
            self.parked_dialog = None
