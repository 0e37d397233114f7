"""ReaderControls: the till window's card-reader part: Charge on reader (F12), keyed fallback, reader status.

With a reader set up (POS_READER_ID) Charge (F12) takes the card on the reader: the
ReaderDialog shows "Present card on the reader" with Cancel while a ReaderChargeController
polls on the window's TaskRunner; the card page stays as a manager-approved fallback,
keyedCardButton "Keyed card (card not present)" (Shift+F12), and the card form says so. The status
bar's statusReader shows the reader (online / offline / busy, property `status`), refreshed on
the worker every READER_STATUS_MS and after each reader payment. Without a reader nothing here
shows and Charge is the card page, as before. The dialog and the training panel are built on
first use (no start-up cost).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QPushButton

from pos_app.domain import Money
from pos_app.i18n import N_, _
from pos_app.qt.money_text import money_text
from pos_app.qt.reader_controller import ReaderChargeController
from pos_app.qt.till_actions import SALE, TillAction

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.reader_dialog import ReaderDialog

log = logging.getLogger(__name__)

KEYED_KEYS = "Shift+F12"  # beside Charge F12: the card page when the till has a reader
READER_STATUS_MS = 30_000


class ReaderControls(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reader_id = window.settings.reader_id
        self.controller = ReaderChargeController(window.queue, self._checkout, self)
        self.dialog: ReaderDialog | None = None
        self.keyed_button: QPushButton | None = None
        self.status_label: QLabel | None = None
        self._keyed_amount: int | None = None
        self._keyed_asked = False
        self.controller.finished.connect(self._on_controller_finished)
        if self.configured:
            self._build()

    @property
    def configured(self) -> bool:
        return bool(self.reader_id)

    def _checkout(self):
        payments = self.window.payments
        return payments.checkout if payments is not None else None

    def _build(self) -> None:
        window = self.window
        window.charge_button.setText(_("Charge on reader   F12"))
        window.charge_button.setToolTip(_("Take the card on the card reader (F12)"))
        # A till action like every other (qt/till_actions.py): its button sits beside Charge and F1 lists it.
        self.keyed_button = window.action_bar.add(TillAction(
            "keyedCardButton", N_("Keyed card (card not present)"), (KEYED_KEYS,), lambda w: self.keyed(),
            N_("Key the card on the card page: a manager's fallback when the reader can't be used"), place=SALE))
        label = self.status_label = QLabel(_("Reader: starting payments…"), window.status_bar)
        label.setObjectName("statusReader")
        window.status_bar.addPermanentWidget(label)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(READER_STATUS_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        window.payments_ready.connect(self._on_window_payments_ready)
        window.charging.prepare_failed.connect(self._on_charging_prepare_failed)
        window.payment_dialog_opened.connect(self._on_window_payment_dialog_opened)
        if window.payments is not None:
            self._on_window_payments_ready()

    # -- the reader's status ---------------------------------------------------------------------

    def _on_window_payments_ready(self) -> None:
        self.refresh_status()
        self._status_timer.start()

    def refresh_status(self) -> None:
        """Ask the reader how it is, on the worker."""
        payments = self.window.payments
        if payments is None or not self.configured:
            return
        from pos_app.payments.readers import reader_gateway

        reader_id = self.reader_id
        self.window.queue.submit("reader-status", lambda: reader_gateway(payments.gateway).retrieve_reader(reader_id),
                                 self._on_runner_reader_seen, self._on_runner_reader_unseen)

    def _on_runner_reader_seen(self, reader) -> None:
        status = "busy" if reader.busy else str(reader.status)
        words = {"online": _("online"), "offline": _("offline"), "busy": _("busy")}
        self._show_status(status, _("Reader {label}: {status}").format(label=reader.label or reader.id,
                                                                       status=words.get(status, status)), "")

    def _on_runner_reader_unseen(self, exc: BaseException) -> None:
        self._show_status("unknown", _("Reader: unreachable"), str(exc))

    def _show_status(self, status: str, text: str, tip: str) -> None:
        label = self.status_label
        if label is not None:
            label.setText(text)
            label.setToolTip(tip)
            label.setProperty("status", status)

    # -- charge on the reader --------------------------------------------------------------------

    def charge(self, amount: int | None = None) -> ReaderDialog | None:
        """Charge (F12) with a reader: the waiting dialog, and the payment sent to the reader."""
        from pos_app.qt.reader_dialog import ReaderDialog

        window = self.window
        if self.controller.busy or self.dialog is not None or self._checkout() is None:
            return None  # one payment on the reader at a time
        sale = self._checkout().sale_tenders()
        due = Money(amount if amount is not None else sale.remaining or sale.total, sale.currency)
        dialog = self.dialog = ReaderDialog(self.controller, due, window.settings.locale, window)
        if window.local.mode == "training":
            dialog.add_panel(self._training_panel(dialog))
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        window.show_info(_("Charging on the card reader…"))
        dialog.open()
        self.controller.charge(amount)
        return dialog

    def _training_panel(self, dialog: ReaderDialog):
        from pos_app.payments.readers import reader_gateway
        from pos_app.qt.reader_panel import SimulatedReaderPanel

        payments, reader_id, currency = self.window.payments, self.reader_id, self.window.settings.currency

        def present(number: str, tip: int):
            assert payments is not None  # a reader dialog opens only once payments run
            return reader_gateway(payments.gateway).present_payment_method(reader_id, number=number,
                                                                           amount_tip=tip, currency=currency)

        return SimulatedReaderPanel(self.window.queue, present, currency,
                                    lambda text: dialog._on_controller_message_changed("error", text), dialog)

    def _on_controller_finished(self, result) -> None:
        window = self.window
        order = getattr(result, "order", None)
        paid = getattr(result, "paid", None)
        if order is not None:
            window.show_info(_("Sale {number} paid on the reader: {total}").format(
                number=order.number, total=money_text(order.total_money, window.settings.locale)))
            window.sale_completed.emit(order)
        elif paid is not None:
            window.show_info(_("Card part paid on the reader; still due {due}").format(
                due=money_text(Money(paid.remaining, paid.tender.currency), window.settings.locale)))
        else:  # not paid: the dialog said why; the till's message line says it too once it closes
            window.show_error(getattr(result, "message", "") or str(result))
        self.refresh_status()
        window.tenders.update()

    def _on_dialog_finished(self, dialog: ReaderDialog) -> None:
        self.dialog = None
        dialog.deleteLater()
        self.controller.reset()
        self.window.tenders.update()
        self.window.activateWindow()  # the keyboard belongs to the till again (F12 works at once)
        self.window.focus_search()

    # -- the keyed fallback ----------------------------------------------------------------------

    def keyed(self) -> None:
        """Keyed card (Shift+F12): the card page, which the service lets a manager approve."""
        window = self.window
        if not window.can_charge():
            return
        taken, amount = window.tenders.part_amount_value()
        if not taken:
            return
        self._keyed_amount, self._keyed_asked = amount, True
        window.show_info(_("Preparing the keyed card payment…"))
        window.charging.charge(amount)

    def _on_charging_prepare_failed(self, exc: BaseException) -> None:
        from pos_app.staff.service import ApprovalRequired

        asked, self._keyed_asked = self._keyed_asked, False
        checkout = self._checkout()
        if not asked or not isinstance(exc, ApprovalRequired) or checkout is None:
            return
        amount = self._keyed_amount

        def prepare(pin: str):
            return checkout.prepare(manager_pin=pin) if amount is None else checkout.prepare_part(amount,
                                                                                                manager_pin=pin)

        self.window.till_lock.approve(exc, _("take a keyed card"), prepare, self.window.charging.take_prepared)

    def _on_window_payment_dialog_opened(self, dialog) -> None:
        """The card form says it is keyed entry (card not present), on screen, when the till has a reader."""
        self._keyed_asked = False
        dialog.setWindowTitle(_("Keyed card (card not present)"))
        label = QLabel(_("Keyed card (card not present)"), dialog)
        label.setObjectName("keyedCardLabel")
        layout = dialog.layout()
        if layout is not None:
            layout.insertWidget(0, label)
