"""TenderControls: the till window's tender part: Cash (F11), what is paid and still due, Void payments.

It also installs the card reader's part as `reader` (reader_controls.py), so main_window.py
stays at its size.

The window's form holds the widgets (cashButton, dueLabel, voidTendersButton, chargeAmount: F10,
then Enter charges that part; buttons and keys from qt/till_actions.py); this class serves
them, and update() runs whenever the window refreshes (each checkout event). Cash opens the
CashDialog, whose request runs CheckoutService.take_cash on the window's TaskRunner (never on
the GUI thread); a sale part paid shows "Paid … · still due …" under the
total, and Charge (F12) then charges what is left as a card part (CheckoutService.prepare).
Void payments gives every tender of the sale back (on the worker too), so the cart can change.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from pos_app.domain import Money
from pos_app.domain.money import MoneyError, parse_money
from pos_app.i18n import _
from pos_app.qt.charge_controller import error_text
from pos_app.qt.forms import child
from pos_app.qt.money_text import money_text
from pos_app.staff.service import ApprovalRequired
from pos_app.store.faults import StoreError

if TYPE_CHECKING:
    from pos_app.qt.cash_dialog import CashDialog
    from pos_app.qt.main_window import MainWindow

log = logging.getLogger(__name__)

class TenderControls(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.cash_button: QPushButton = child(window.form, QPushButton, "cashButton")
        self.void_button: QPushButton = child(window.form, QPushButton, "voidTendersButton")
        self.due_label: QLabel = child(window.form, QLabel, "dueLabel")
        self.part_amount: QLineEdit = child(window.form, QLineEdit, "chargeAmount")
        self.cash_dialog: CashDialog | None = None
        self.part_amount.returnPressed.connect(lambda: self.window.charge())  # F10, the amount, Enter: that part
        from pos_app.qt.reader_controls import ReaderControls  # the reader is a tender too

        self.reader = ReaderControls(window)  # Charge on the card reader, the keyed fallback, its status

    @property
    def _checkout(self):
        payments = self.window.payments
        return payments.checkout if payments is not None else None

    def update(self) -> None:
        """Show what the sale's tenders paid and what is due; enable Cash and Void when they can act."""
        window, checkout = self.window, self._checkout
        try:
            sale = checkout.sale_tenders() if checkout is not None else None
        except StoreError:  # the shop database away: what is shown stays; Cash and Void wait for it
            self.cash_button.setEnabled(False)
            self.void_button.setEnabled(False)
            return
        started = sale is not None and sale.started
        if sale is not None and started:
            locale = window.settings.locale
            self.due_label.setText(_("Paid {paid} · still due {due}").format(
                paid=money_text(Money(sale.paid, sale.currency), locale),
                due=money_text(Money(sale.remaining, sale.currency), locale)))
        self.due_label.setVisible(started)
        self.void_button.setVisible(started)
        idle = window.charging.can_charge() and window.payment_dialog is None and self.cash_dialog is None
        self.void_button.setEnabled(started and idle)
        snapshot = window.cart_model.snapshot
        self.cash_button.setEnabled(idle and not snapshot.empty and not snapshot.in_doubt)

    def focus_part_amount(self) -> None:
        """F10: to the card part's amount (its text selected, so typing replaces it)."""
        self.part_amount.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.part_amount.selectAll()

    def charge(self) -> None:
        """Charge (F12): all that is due, or the card part typed in the amount field beside Charge; on
        the card reader when the till has one (reader_controls.py), else on the card page."""
        taken, amount = self.part_amount_value()
        if not taken:
            return
        if self.reader.configured:
            self.reader.charge(amount)
            return
        self.window.charging.charge(amount)

    def part_amount_value(self) -> tuple[bool, int | None]:
        """(True, the card part typed beside Charge or None: all that is due), the field cleared; or
        (False, None) when what is typed is no amount (the cashier is told)."""
        text = self.part_amount.text().strip()
        if not text:
            return True, None
        try:
            amount = parse_money(text, self.window.settings.currency).amount
        except MoneyError as exc:
            self.window.show_error(_("Card part not charged: {reason}").format(reason=exc))
            return False, None
        self.part_amount.clear()
        return True, amount

    # -- cash ----------------------------------------------------------------------------------

    def open_cash(self) -> CashDialog | None:
        """The cash dialog for what is due (F11 or the Cash button)."""
        checkout = self._checkout
        if checkout is None or not self.cash_button.isEnabled():
            if self.window.cart_model.snapshot.empty:
                self.window.show_error(_("The cart is empty: add items before taking cash."))
            return None
        sale = checkout.sale_tenders()
        from pos_app.qt.cash_dialog import CashDialog  # built on first use: not at start-up
        dialog = CashDialog(sale.cash_due, sale.currency, self.window.settings.locale, self.window)
        self.cash_dialog = dialog
        dialog.tender_requested.connect(self._on_cash_dialog_tender_requested)
        dialog.finished.connect(lambda _result: self._on_cash_dialog_finished(dialog))
        self.update()
        dialog.open()
        return dialog

    def _on_cash_dialog_tender_requested(self, tendered) -> None:
        checkout, dialog = self._checkout, self.cash_dialog
        if checkout is None or dialog is None:
            return
        self.window.queue.submit("cash", lambda: checkout.take_cash(tendered), self._on_runner_cash_taken,
                                 self._on_runner_cash_refused)

    def _on_runner_cash_taken(self, taken) -> None:
        if self.cash_dialog is not None:
            self.cash_dialog.show_taken(taken)
        window = self.window
        if taken.order is not None:
            window.show_info(_("Sale {number} paid: change {amount}").format(
                number=taken.order.number,
                amount=money_text(Money(taken.change, taken.order.currency), window.settings.locale)))
            window.sale_completed.emit(taken.order)

    def _on_runner_cash_refused(self, exc: BaseException) -> None:
        text = error_text(_("Cash not taken"), exc)
        if self.cash_dialog is not None:
            self.cash_dialog.show_refused(text)
        else:
            self.window.show_error(text)

    def _on_cash_dialog_finished(self, dialog: CashDialog) -> None:
        self.cash_dialog = None
        dialog.deleteLater()
        self.update()
        self.window.focus_search()

    # -- void ----------------------------------------------------------------------------------

    def void(self) -> None:
        """Give back every tender of the sale (on the worker), so the cart can change."""
        checkout = self._checkout
        if checkout is None or not self.void_button.isEnabled():
            return
        self.void_button.setEnabled(False)
        self.window.show_info(_("Giving back what was paid…"))
        self.window.queue.submit("void-tenders", checkout.void_tenders, self._on_runner_voided,
                                 self._on_runner_void_failed)

    def _on_runner_voided(self, _sale) -> None:
        self.window.show_info(_("The payments were given back: the cart can change."))

    def _on_runner_void_failed(self, exc: BaseException) -> None:
        checkout = self._checkout
        if isinstance(exc, ApprovalRequired) and checkout is not None:  # money taken: a manager's PIN voids it
            self.update()
            self.window.till_lock.approve(exc, _("void the payments"),
                                          lambda pin: checkout.void_tenders(manager_pin=pin), self._on_runner_voided,
                                          self._on_runner_void_failed)
            return
        self.window.show_error(error_text(_("The payments could not all be given back"), exc))
        self.update()
