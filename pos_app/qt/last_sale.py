"""The "last sale" notice at start-up: which order, its amount and status, with Reprint.

A till that stopped (or crashed) just after recording a sale comes back with an empty cart and,
until now, no word of what happened. The notice (objectName lastSaleNotice, above the cart)
names the till's newest order when the window opens, and again when the start-up
reconciliation recorded one that had been paid but not yet recorded (the crash came between the
card and the sale). Reprint prints a COPY on the receipt printer (on the window's worker: device
I/O), or through the print dialog when the till has none. The notice goes once a line is added,
a sale is made, or Dismiss is pressed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton

from pos_app.domain import Money, format_money
from pos_app.domain.order import card_brand_name
from pos_app.i18n import N_, _

if TYPE_CHECKING:
    from pos_app.domain.order import Order
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartSnapshot

TENDER_NAMES = {"cash": N_("cash"), "card": N_("card")}
NOTICE_STYLE = ("QFrame#lastSaleNotice { background: #f0fdf4; border: 2px solid #16a34a; border-radius: 6px; }"
                "QLabel#lastSaleText { font-weight: 600; color: #14532d; }")


class LastSaleNotice(QObject):
    """The notice over `window`; `order` is the sale it names (None: hidden)."""

    reprinted = Signal(str)  # the order number, once the receipt printer took the copy (or the dialog printed)
    reprint_failed = Signal(str)  # why not

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("lastSaleNotice")
        self._window = window
        self.order: Order | None = None
        self.recovered = False  # the order was recorded by the start-up reconciliation
        self.frame = QFrame(window)
        self.frame.setObjectName("lastSaleNotice")
        self.frame.setStyleSheet(NOTICE_STYLE)
        self.text = QLabel(self.frame)
        self.text.setObjectName("lastSaleText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # an order's text is never markup
        self.reprint_button = QPushButton(_("Reprint"), self.frame)
        self.reprint_button.setObjectName("lastSaleReprintButton")
        self.dismiss_button = QPushButton(_("Dismiss"), self.frame)
        self.dismiss_button.setObjectName("lastSaleDismissButton")
        for button, name, description in (
                (self.reprint_button, _("Reprint the last sale"), _("Prints a copy of the last sale's receipt")),
                (self.dismiss_button, _("Dismiss the last-sale notice"), _("Hides the notice about the last sale"))):
            button.setAccessibleName(name)
            button.setAccessibleDescription(description)
        row = QHBoxLayout(self.frame)
        row.addWidget(self.text, 1)
        row.addWidget(self.reprint_button)
        row.addWidget(self.dismiss_button)
        self.frame.hide()
        layout = window.form.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(min(2, layout.count()), self.frame)  # under the doubt and no-shift banners
        self.reprint_button.clicked.connect(self.reprint)
        self.dismiss_button.clicked.connect(self.dismiss)
        window.reconcile_finished.connect(self._on_window_reconcile_finished)
        window.sale_completed.connect(self.dismiss)
        window.cart_model.snapshot_shown.connect(self._on_cart_model_snapshot_shown)
        newest = window.local.store.orders.recent(1)
        if newest:
            self.show(newest[0])

    def show(self, order: Order, *, recovered: bool = False) -> None:
        self.order, self.recovered = order, recovered
        self.text.setText(describe(order, self._window.settings.locale, self._tenders(order), recovered))
        self.frame.show()

    def dismiss(self, *_args: object) -> None:
        self.order = None
        self.frame.hide()

    def reprint(self) -> None:
        """A COPY of the order's receipt: on the receipt printer (worker), else the print dialog."""
        order, window = self.order, self._window
        if order is None:
            return
        printer, tenders = window.local.printer, self._tenders(order)
        if printer is None:
            from pos_app.qt import printing  # the Qt print path, only when asked for

            if printing.print_document(printing.receipt_document(order, window.settings, window.settings.mode,
                                                                 copy=True, tenders=tenders), window):
                self.reprinted.emit(order.number)
            return
        from pos_app.devices.receipt import receipt_for  # imported at the first reprint, not at start-up

        receipt = receipt_for(order, window.settings, tenders=tenders, copy=True)
        self.reprint_button.setEnabled(False)
        window.queue.submit("reprint-last-sale", lambda: printer.print_receipt(receipt),
                            lambda _none: self._on_printed(order.number, None),
                            lambda exc: self._on_printed(order.number, str(exc)))

    def _on_printed(self, number: str, error: str | None) -> None:
        self.reprint_button.setEnabled(True)
        if error is None:
            self._window.show_info(_("Receipt {number} printed again.").format(number=number))
            self.reprinted.emit(number)
        else:
            self._window.show_error(_("Receipt {number} could not be printed: {error}").format(
                number=number, error=error))
            self.reprint_failed.emit(error)

    def _tenders(self, order: Order) -> list:
        return self._window.local.store.tenders.for_order(order.id) if order.id is not None else []

    def _on_window_reconcile_finished(self, report: object) -> None:
        recorded = getattr(report, "finalized", None)
        if recorded:
            self.show(max(recorded, key=lambda order: (order.created_at, order.id or 0)), recovered=True)

    def _on_cart_model_snapshot_shown(self, snapshot: CartSnapshot) -> None:
        if not snapshot.empty:
            self.dismiss()


def describe(order: Order, locale: str, tenders: list, recovered: bool = False) -> str:
    """'Last sale: 000012 · $10.40 · paid by Visa •••• 4242 · 1 Dec 2026, 14:02' (and how it stands)."""
    from babel.dates import format_datetime  # at the first notice, not with the window

    amount = format_money(Money(order.total, order.currency), locale)
    when = format_datetime(datetime.fromtimestamp(order.created_at), "medium", locale=locale)
    if order.card_last4:
        paid = _("paid by {card}").format(card=f"{card_brand_name(order.card_brand)} •••• {order.card_last4}")
    elif tenders:
        kinds = sorted({str(tender.kind) for tender in tenders})
        paid = _("paid by {tenders}").format(tenders=" + ".join(_(TENDER_NAMES.get(kind, kind)) for kind in kinds))
    else:
        paid = _("paid")
    if order.refunded >= order.total:
        paid = _("refunded")
    elif order.refunded:
        paid = _("{paid}, partly refunded").format(paid=paid)
    text = _("Last sale: {number} · {amount} · {status} · {when}").format(
        number=order.number, amount=amount, status=paid, when=when)
    if recovered:
        text += " " + _("(recorded at start-up: the till had stopped before it could show it)")
    return text
