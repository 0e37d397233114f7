"""TillDevices: the till window's part for its devices: the No sale button (F8) and printer news.

No sale opens the cash drawer with no money moving (the drawer kick of the receipt printer) and
records it; the kick is device I/O (a network printer: a TCP connection), so it runs on the
window's TaskRunner, never on the GUI thread. Receipts the printer failed to print after a sale
(POS_AUTO_PRINT) are shown in the window's message line; the sale itself is already recorded.
No sale is a manager's action: a cashier's opens the approval prompt, whose PIN redoes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

from pos_app.devices import PrintOutcome, no_sale
from pos_app.i18n import _
from pos_app.qt.charge_controller import error_text
from pos_app.qt.listeners import ListenerRelay
from pos_app.qt.forms import child
from pos_app.staff.service import ApprovalRequired

from pos_app.store.cash_office import DrawerOpening

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow


class TillDevices(QObject):
    drawer_opened = Signal(object)  # DrawerOpening, on the GUI thread

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("tillDevices")
        self._window = window
        self.no_sale_button: QPushButton = child(window.form, QPushButton, "noSaleButton")  # qt/till_actions.py
        self._unprinted: dict[str, str] = {}  # order number -> why its receipt was not printed
        printer = window.local.printer
        if printer is not None:
            self._printer_relay = ListenerRelay(printer.subscribe, self._on_printer_printed, self)
            window.sale_completed.connect(self._on_window_sale_completed)

    def no_sale(self) -> None:
        """Open the drawer for no sale, off the GUI thread; the window says how it went."""
        self.no_sale_button.setEnabled(False)
        self._window.queue.submit("no-sale", self._open_for_no_sale, self._on_no_sale_opened, self._on_no_sale_failed)

    def _open_for_no_sale(self, manager_pin: str | None = None) -> DrawerOpening:
        local = self._window.local
        return no_sale(local.drawer, local.store.shifts, local.settings.terminal_id, local.session,
                       manager_pin=manager_pin)

    def _on_no_sale_opened(self, opening: object) -> None:
        self.no_sale_button.setEnabled(True)
        assert isinstance(opening, DrawerOpening)  # what no_sale() returns
        if opening.kicked:
            self._window.show_info(_("No sale: the drawer is open."))
        elif opening.device:
            self._window.show_error(_("No sale recorded, but the receipt printer ({device}) did not open "
                                      "the drawer: open it by key.").format(device=opening.device))
        else:
            self._window.show_info(_("No sale recorded (no receipt printer is set: open the drawer by key)."))
        self.drawer_opened.emit(opening)

    def _on_no_sale_failed(self, exc: BaseException) -> None:
        self.no_sale_button.setEnabled(True)
        if isinstance(exc, ApprovalRequired):
            self._window.till_lock.approve(exc, _("open the drawer"), self._open_for_no_sale, self._on_no_sale_opened)
            return
        self._window.show_error(error_text(_("The no sale could not be recorded"), exc))

    def _on_printer_printed(self, outcome: PrintOutcome) -> None:
        if outcome.error is not None:
            self._unprinted[outcome.number] = outcome.error
            self._show_unprinted(outcome.error)

    def _on_window_sale_completed(self, order: object) -> None:
        # The printer may fail before the window has said "Sale … paid": say it again after that.
        number = getattr(order, "number", None)
        if number in self._unprinted:
            self._show_unprinted(self._unprinted.pop(number))

    def _show_unprinted(self, error: str) -> None:
        self._window.show_error(error + " " + _("The sale is recorded; print the receipt again from "
                                                  "the order history (F9)."))
