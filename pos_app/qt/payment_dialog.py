"""The card payment: the endpoint's checkout page in a QWebEngineView, then the receipt.

The page (Stripe.js, or the sandbox's lookalike in training) takes the card and reports through
the posBridge QWebChannel object. The dialog does not believe a reported success: it asks
CheckoutService.finalize() on the worker, which checks the PaymentIntent with the gateway and
records the order; only then does the receipt appear. Esc or Cancel closes without charging
(the window then calls abandon(), and the cart is kept).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from pos_app.config import TRAINING
from pos_app.domain import Money, format_money
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.payments.outcome_messages import outcome_message
from pos_app.payments.tendering import PartPaid
from pos_app.qt import printing
from pos_app.qt.bridge import PaymentBridge
from pos_app.qt.checkout_page import CheckoutPage
from pos_app.qt.forms import child, load_form
from pos_app.qt.payment_view import PaymentView
from pos_app.qt.receipt_view import ReceiptView
from pos_app.qt.style import show_kind
from pos_app.qt.web_engine import checkout_profile, qwebchannel_script
from pos_app.qt.workers import TaskRunner
from pos_app.domain.order import card_brand_name

if TYPE_CHECKING:
    from pos_app.config import Settings
    from pos_app.contexts import Endpoint
    from pos_app.payments.checkout import CheckoutService, PreparedPayment

log = logging.getLogger(__name__)

DIALOG_STYLE = """
QLabel#paymentTitle { font-size: 14pt; font-weight: 600; color: #1f2937; }
QLabel#paymentAmount { font-size: 20pt; font-weight: 700; color: #111827; }
QLabel#paymentStatus { color: #374151; }
QLabel#paymentStatus[kind="error"] { color: #991b1b; font-weight: 600; }
QPushButton#paymentCancelButton, QPushButton#paymentDoneButton { font-size: 11pt; min-height: 40px; padding: 0 16px; }
QPushButton#paymentDoneButton { font-weight: 700; color: white; background: #16a34a; border: none; border-radius: 6px; }
QTextBrowser#receiptView { font-size: 11pt; border: 1px solid #e5e7eb; }
"""

STATE_TEXT = {
    "loading": N_("Loading the card form…"),
    "ready": N_("Tab into the card and key it in; Enter pays, Esc cancels."),
    "confirming": N_("Confirming the payment with the card processor…"),
    "requires_action": N_("The card issuer asks for authentication (3-D Secure)."),
    "declined": N_("Declined — try another card, or Esc to cancel."),
    "succeeded": N_("Approved. Recording the sale…"),
    "error": N_("The card form reported a problem."),
}


class PaymentDialog(QDialog):
    sale_completed = Signal(object)  # Order, once finalize() recorded it
    part_completed = Signal(object)  # PartPaid: a card part of a split sale went through, the rest is due
    finalize_failed = Signal(str)  # the page said paid but the app could not confirm it (text safe to show)
    page_state_changed = Signal(str)
    recording_started = Signal()  # the page reported the payment: finalize() now runs on the worker

    def __init__(self, prepared: PreparedPayment, settings: Settings, checkout: CheckoutService, endpoint: Endpoint,
                 sandbox_url: str | None, queue: TaskRunner, parent: QWidget | None = None) -> None:
        """The card form for `prepared`, loaded from `endpoint` (Stripe.js from `sandbox_url` in
        training); `checkout` finalizes what the page reports, on `queue`."""
        super().__init__(parent)
        self.setObjectName("paymentDialog")
        self.setModal(True)
        self.settings, self.checkout, self.endpoint, self.sandbox_url = settings, checkout, endpoint, sandbox_url
        self.prepared = prepared
        self.queue = queue
        self.order = None
        self.part_paid: PartPaid | None = None  # once a card part of a split sale is recorded
        self.last_decline: tuple[str, str] | None = None
        self._success_reported = False
        self._finalizing = False

        self._build_form()
        self._build_page()
        self.setWindowTitle(_("Card payment"))
        self._fit_to_screen()

    # -- construction --------------------------------------------------------------------------

    def _fit_to_screen(self, width: int = 600, height: int = 860) -> None:
        """Tall enough for the lines and the card form together, but never taller than the screen."""
        screen = (self.parentWidget() or self).screen()
        if screen is not None:
            available = screen.availableGeometry()
            width, height = min(width, available.width() - 40), min(height, available.height() - 40)
        self.resize(width, height)

    def _build_form(self) -> None:
        form = load_form("payment_dialog.ui", self, custom_widgets=(PaymentView, ReceiptView))
        form.setStyleSheet(DIALOG_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        self.stack: QStackedWidget = child(form, QStackedWidget, "paymentStack")
        self.view: PaymentView = child(form, PaymentView, "paymentView")
        self.receipt_view: ReceiptView = child(form, ReceiptView, "receiptView")
        self.status_label: QLabel = child(form, QLabel, "paymentStatus")
        self.cancel_button: QPushButton = child(form, QPushButton, "paymentCancelButton")
        self.done_button: QPushButton = child(form, QPushButton, "paymentDoneButton")
        self.print_button: QPushButton = child(form, QPushButton, "receiptPrintButton")
        self.pdf_button: QPushButton = child(form, QPushButton, "receiptPdfButton")
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self.save_receipt_pdf)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_receipt)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_receipt_pdf)
        amount = Money(self.prepared.amount, self.prepared.currency)
        child(form, QLabel, "paymentAmount").setText(format_money(amount, self.settings.locale))
        if self.settings.mode == TRAINING:
            child(form, QLabel, "paymentTitle").setText(_("Card payment") + " — " + _("TRAINING"))
        self.cancel_button.clicked.connect(self.reject)
        self.done_button.clicked.connect(self.accept)
        # Esc reaches the dialog even while Chromium has the keyboard focus.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._on_escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._set_status(_(STATE_TEXT["loading"]))

    def _build_page(self) -> None:
        endpoint = self.endpoint
        page = CheckoutPage(checkout_profile(), endpoint.url, sandbox_url=self.sandbox_url,
                            certificate_fingerprint=endpoint.certificate_fingerprint, parent=self.view)
        page.scripts().insert(qwebchannel_script())
        self.bridge = PaymentBridge(page.on_endpoint, self)
        self.channel = QWebChannel(page)
        self.channel.registerObject("posBridge", self.bridge)
        page.setWebChannel(self.channel)
        self.page = page
        self.view.setPage(page)
        self.view.loadFinished.connect(self._on_view_load_finished)
        self.bridge.page_ready.connect(self._on_bridge_page_ready)
        self.bridge.state_changed.connect(self._on_bridge_state_changed)
        self.bridge.payment_succeeded.connect(self._on_bridge_payment_succeeded)
        self.bridge.payment_declined.connect(self._on_bridge_payment_declined)
        self.bridge.cancel_requested.connect(self.reject)
        self.view.load(QUrl(f"{endpoint.url}/checkout?token={endpoint.token}"))

    # -- state ---------------------------------------------------------------------------------

    @property
    def page_state(self) -> str:
        return self.bridge.state

    def busy(self) -> bool:
        """While the card is being confirmed or the sale recorded, closing would lose track of it."""
        return self._finalizing or (self.bridge.state == "confirming" and not self._success_reported)

    def needs_abandon(self) -> bool:
        """After closing: True when no payment went through (the window then releases the cart)."""
        return not self._success_reported and self.order is None and self.part_paid is None

    def _set_status(self, text: str, kind: str = "info") -> None:
        show_kind(self.status_label, text, kind)

    # -- page events ---------------------------------------------------------------------------

    def _on_view_load_finished(self, ok: bool) -> None:
        if not ok and self.order is None:
            self.cancel_button.show()
            self._set_status(_("The card form could not be loaded. Esc to cancel, then Charge again."), "error")
            return
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_bridge_page_ready(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_bridge_state_changed(self, state: str) -> None:
        # The page has its own Cancel button while it can take a card; ours covers the rest
        # (the page failed to load, or the sale could not be confirmed).
        self.cancel_button.setVisible(state in ("loading", "error") and self.order is None)
        if self.order is None and not self._finalizing:
            self._set_status(_(STATE_TEXT[state]) if state in STATE_TEXT else "",
                             "error" if state in ("declined", "error") else "info")
        self.page_state_changed.emit(state)

    def _on_bridge_payment_declined(self, message: str, code: str) -> None:
        # The page takes another card; the PaymentIntent stays the same. The text shown is the
        # cashier's for the outcome's code (outcome_messages), never what the page sent.
        cashier_text = outcome_message(code)
        self.last_decline = (cashier_text, code)
        log.info("card declined (%s) for %s", code or "no code", self.prepared.payment_intent)
        self._set_status(_("{message} Esc cancels.").format(message=cashier_text), "error")

    def _on_bridge_payment_succeeded(self, payment_intent: str) -> None:
        if payment_intent != self.prepared.payment_intent:
            log.warning("the checkout page reported success for another PaymentIntent; ignored")
            self._set_status(_("The card form reported an unexpected payment; it was not recorded."), "error")
            return
        if self._success_reported:
            return
        self._success_reported = True
        self._finalizing = True
        self.cancel_button.setEnabled(False)
        self._set_status(_(STATE_TEXT["succeeded"]))
        checkout = self.checkout
        self.queue.submit("finalize", lambda: checkout.finalize(payment_intent),
                          self._on_finalize_succeeded, self._on_finalize_failed)
        self.recording_started.emit()

    # -- finalize results ----------------------------------------------------------------------

    def _on_finalize_succeeded(self, outcome) -> None:
        self._finalizing = False
        if isinstance(outcome, PartPaid):
            self._show_part_paid(outcome)
            return
        order = self.order = outcome
        self.receipt_view.show_order(order, self.settings, self.settings.mode, self.checkout.order_tenders(order))
        self.stack.setCurrentWidget(self.receipt_view)
        self.cancel_button.hide()
        self.print_button.show()
        self.pdf_button.show()
        self.done_button.show()
        self.done_button.setDefault(True)
        self.done_button.setFocus(Qt.FocusReason.OtherFocusReason)
        card = f"{_(card_brand_name(order.card_brand))} •••• {order.card_last4 or '????'}"
        self._set_status(_("Paid with {card}. Receipt {number}.").format(card=card, number=order.number))
        self.sale_completed.emit(order)

    def _show_part_paid(self, part: PartPaid) -> None:
        """A card part went through: say so and what is still due; Done goes back to the till."""
        self.part_paid = part
        self.cancel_button.hide()
        self.done_button.show()
        self.done_button.setDefault(True)
        self.done_button.setFocus(Qt.FocusReason.OtherFocusReason)
        due = format_money(Money(part.remaining, self.prepared.currency), self.settings.locale)
        self._set_status(_("Card part paid. Still due: {amount}. Done, then take the rest.").format(amount=due))
        self.part_completed.emit(part)

    def _on_finalize_failed(self, exc: BaseException) -> None:
        self._finalizing = False
        detail = str(exc) if isinstance(exc, UserFacingError) else _("an unexpected error (see the log)")
        message = _("The card payment could not be confirmed: {detail}. The cart is kept as charged "
                    "until the payment is checked.").format(detail=detail)
        self.cancel_button.setText(_("Close") + "   Esc")
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self._set_status(message, "error")
        self.finalize_failed.emit(message)

    # -- the receipt ---------------------------------------------------------------------------

    def print_receipt(self) -> bool:
        """Print the receipt through Qt's print dialog (a no-op before the sale is recorded)."""
        if self.order is None:
            return False
        return printing.print_receipt(self.order, self.settings, self.settings.mode, self,
                                      self.checkout.order_tenders(self.order))

    def save_receipt_pdf(self, path: str | None = None):
        """Save the receipt as PDF: to `path`, or where the cashier picks in a file dialog."""
        if self.order is None:
            return None
        settings, mode = self.settings, self.settings.mode
        tenders = self.checkout.order_tenders(self.order)
        if path is not None:
            return printing.save_pdf(printing.receipt_document(self.order, settings, mode, tenders=tenders), path)
        return printing.save_receipt_pdf(self.order, settings, mode, self, tenders)

    # -- closing -------------------------------------------------------------------------------

    def _on_escape(self) -> None:
        if self.order is not None or self.part_paid is not None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        if self.busy():
            self._set_status(_("The payment is being confirmed: wait a moment."), "error")
            return
        super().reject()

    def done(self, result: int) -> None:
        # Stop the page (and its timers/frames) before the dialog goes away.
        self.view.stop()
        super().done(result)
