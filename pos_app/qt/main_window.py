"""The till window: catalogue search (and barcode scanner input), cart, totals, Charge and Cash.

Keyboard first: focus starts in the search field; typing filters, Enter adds the highlighted item (or the item of
a scanned barcode), Down moves into the list; F4 goes to the cart where + / - change the quantity and Delete removes
a line; F12 or Ctrl+Enter charges (what is left of a part-paid sale), F11 takes cash. The window renders state and
sends intents: cart changes go to CartService (quick local SQLite commits, fine on the GUI thread); the charge
lifecycle is the ChargeController's (checkout calls on the window's TaskRunner); core events come through
ListenerRelays. Every button and shortcut comes from the one table qt/till_actions.py (ActionBar; F1 lists them).
Parts: CataloguePane, TillKeys, TillStatusBar, TenderControls, TillDevices, TillLock (the PIN
screen). Over the LocalContext catalogue and cart work at once; Charge waits for the PaymentsContext.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QLabel, QMainWindow, QPushButton, QTableView,
                               QWidget)

from pos_app.domain import Money
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.staff.service import ApprovalRequired
from pos_app.qt.action_bar import ActionBar
from pos_app.qt.cart_model import CartColumn, CartModel
from pos_app.qt.catalogue_pane import CataloguePane
from pos_app.qt.charge_controller import ChargeController, error_text, reconcile_message, sale_paid_text
from pos_app.qt.forms import child, load_form
from pos_app.qt.health import HealthMonitor
from pos_app.qt.listeners import ListenerRelay
from pos_app.qt.message_bar import show_message
from pos_app.qt.money_text import money_text
from pos_app.qt.shortcuts import REPORT_KEYS, pass_shortcuts_through
from pos_app.qt.shop_database import ShopDatabaseStatus
from pos_app.qt.status_bar import TillStatusBar
from pos_app.qt.style import TILL_STYLE, show_mode_badge, till_title
from pos_app.qt.tables import setup_fixed_columns
from pos_app.qt.tender_controls import TenderControls
from pos_app.qt.terms_controls import TermsControls
from pos_app.qt.till_devices import TillDevices
from pos_app.qt.till_keys import TillKeys
from pos_app.qt.till_layout import fit_till_layout
from pos_app.qt.till_lock import TillLock
from pos_app.qt.workers import TaskRunner
from pos_app.store import CartSnapshot

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext, PaymentsContext

log = logging.getLogger(__name__)
SHUTDOWN_TIMEOUT_MS = 15_000


class MainWindow(QMainWindow):
    """The till over `local` (settings, store); `queue` runs checkout calls off the GUI thread. `payments`, if
    started, is handed over at once; else call services_started(payments) (or services_failed(exc)) on the GUI
    thread once AppCore.start_services() has returned (or raised)."""

    payment_dialog_opened = Signal(object)  # PaymentDialog
    sale_completed = Signal(object)  # Order
    reconcile_finished = Signal(object)  # ReconcileReport (or the exception)
    payments_ready = Signal()  # services_started(): Charge can be taken once the cart allows

    def __init__(self, local: LocalContext, queue: TaskRunner | None = None, parent: QWidget | None = None,
                 *, payments: PaymentsContext | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.local = local
        self.payments: PaymentsContext | None = None  # set by services_started(payments)
        self.settings = local.settings
        self.queue = queue or TaskRunner(self, name="checkout")
        self.payment_dialog = None
        self.health: HealthMonitor | None = None  # endpoint and gateway health, once payments run
        self._checkout_relay: ListenerRelay | None = None
        self.charging = ChargeController(self.queue, None, self)
        self._build_form()
        self._build_status_bar()
        self._build_models()
        self._build_shortcuts()
        self.tenders: TenderControls = TenderControls(self)  # Cash (F11), what is paid and still due, Void payments
        self.terms: TermsControls = TermsControls(self)  # Discount… (F6), a line's price (Ctrl+F6), the manager's PIN
        self._connect_charging()
        self._show_snapshot()
        if payments is not None:
            self.services_started(payments)
        self.setWindowTitle(till_title(self.settings.shop_name, local.mode))
        self.resize(1180, 720)
        self.till_lock: TillLock = TillLock(self)  # the PIN screen, Lock, the idle lock (focus: PIN or search)
        self.shop_database = ShopDatabaseStatus(self)  # PostgreSQL: says when the shop database is away, and back

    # -- construction --------------------------------------------------------------------------

    def _build_form(self) -> None:
        form = load_form("main_window.ui", self)
        form.setStyleSheet(TILL_STYLE)
        self.setCentralWidget(form)
        self.form = form
        self.action_bar: ActionBar = ActionBar(self, form)  # every button and shortcut, from qt/till_actions.py
        self.cart_table: QTableView = child(form, QTableView, "cartTable")
        self.subtotal_label: QLabel = child(form, QLabel, "subtotalLabel")
        self.tax_label: QLabel = child(form, QLabel, "taxLabel")
        self.total_label: QLabel = child(form, QLabel, "totalLabel")
        self.charge_button: QPushButton = child(form, QPushButton, "chargeButton")
        self.clear_button: QPushButton = child(form, QPushButton, "clearCartButton")
        self.mode_badge: QLabel = child(form, QLabel, "modeBadge")
        self.doubt_banner: QFrame = child(form, QFrame, "doubtBanner")
        self.doubt_retry: QPushButton = child(form, QPushButton, "doubtRetryButton")
        self.message_label: QLabel = child(form, QLabel, "messageLabel")
        self._charge_tip = self.charge_button.toolTip()
        child(form, QLabel, "shopLabel").setText(self.settings.shop_name)

        show_mode_badge(self.mode_badge, self.local.mode)
        self.doubt_retry.clicked.connect(self.start_reconcile)

    def _build_status_bar(self) -> None:
        self.setStatusBar(bar := TillStatusBar(self.local.mode, self))
        self.status_bar, self.status_mode = bar, bar.mode_label  # its labels, under the names tests use
        self.status_endpoint, self.status_gateway = bar.endpoint_label, bar.gateway_label

    def _build_models(self) -> None:
        catalogue = self.catalogue = CataloguePane(self.form, self.local.store.catalogue, self.settings,
                                                   lambda sku: self.terms.add_sku(sku), self.show_error, self)
        self.search, self.category, self.catalogue_hint = catalogue.search, catalogue.category, catalogue.hint
        self.catalogue_table, self.catalogue_model, self.scanner = catalogue.table, catalogue.model, catalogue.scanner
        self.keys = TillKeys(self)
        self.devices: TillDevices = TillDevices(self)  # No sale (F8), and receipts the printer failed to print
        self.cart_model = CartModel(self.local.carts, self.settings.locale, self)
        self.cart_model.error_occurred.connect(self.show_error)
        self.cart_relay = ListenerRelay(self.local.carts.subscribe, self._show_snapshot, self)

        sample_price = money_text(Money(999_999, self.settings.currency), self.settings.locale)
        setup_fixed_columns(self.cart_table, self.cart_model, stretch=CartColumn.NAME, samples={
            CartColumn.UNIT_PRICE: sample_price, CartColumn.QTY: "0000", CartColumn.LINE_TOTAL: sample_price + "0"})
        fit_till_layout(self)  # equal halves; columns give way to the item names on a small screen
        self.cart_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.AnyKeyPressed)

    def _build_shortcuts(self) -> None:
        pass_shortcuts_through(self.search, REPORT_KEYS)  # else the search field's Redo takes the keys

    def _connect_charging(self) -> None:
        charging = self.charging
        charging.state_changed.connect(self._on_charging_state_changed)
        charging.payment_prepared.connect(self._on_charging_payment_prepared)
        charging.prepare_failed.connect(self._on_charging_prepare_failed)
        charging.abandon_failed.connect(self._on_charging_abandon_failed)
        charging.reconcile_finished.connect(self._on_charging_reconcile_finished)
        charging.gateway_seen.connect(self.status_bar.show_gateway)

    def open_history(self):
        """The order history (F9): reprint, refund, Z report (pos_app/qt/history_window.py)."""
        return self._open_from_history("open_history", _("the order history opens"))

    def open_report(self):
        """Today's end-of-day (Z) report (Ctrl+Shift+Z)."""
        return self._open_from_history("open_report", _("the report opens"))

    def _open_from_history(self, opener: str, what: str):
        if self.payments is None:
            self.show_info(_("Payments are still starting: {what} in a moment.").format(what=what))
            return None
        from pos_app.qt import history_window
        return getattr(history_window, opener)(self, self.local, self.payments)

    # -- payments starting in the background ---------------------------------------------------

    @property
    def services_ready(self) -> bool:
        """Payments and the local endpoint run: a Charge can be taken."""
        return self.charging.payments_ready

    def services_started(self, payments: PaymentsContext) -> None:
        """AppCore.start_services() returned `payments`: enable Charge, listen, run a wanted reconcile."""
        if self.payments is not None:
            return
        self.payments = payments
        self._checkout_relay = ListenerRelay(payments.events.subscribe, self._on_checkout_event, self)  # once: above
        self.status_bar.payments_started(payments.endpoint.url)
        self.health = self.status_bar.watch_health(payments.endpoint, payments.gateway)
        self.charging.payments_started(payments.checkout)  # and the reconcile asked for meanwhile
        self.payments_ready.emit()

    def services_failed(self, exc: BaseException) -> None:
        """core.start_services() raised: card payments are unavailable (the catalogue and cart still work)."""
        self.status_bar.show_endpoint(None)
        self.status_bar.show_gateway(False, str(exc))
        self.show_error(error_text(_("Card payments could not be started"), exc))
        self.charging.payments_failed()
        self._update_actions()

    # -- catalogue -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.catalogue.focus_search()

    def _add_sku(self, sku: str) -> bool:
        try:
            snapshot = self.local.carts.add(sku, 1)
        except UserFacingError as exc:
            self.show_error(str(exc))
            return False
        self._show_snapshot(snapshot)
        row = self.cart_model.row_of(sku)
        if row >= 0:
            self.select_cart_row(row)
            self.cart_table.scrollTo(self.cart_model.index(row, 0))
        item = self.local.carts.item(sku)
        self.show_info(_("Added {name}").format(name=item.name if item else sku))
        return True

    # -- cart ----------------------------------------------------------------------------------

    def select_cart_row(self, row: int) -> None:
        """Make the cart's row current, on its quantity (where typing sets it)."""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.cart_table.selectionModel().setCurrentIndex(self.cart_model.index(row, CartColumn.QTY), flags)

    def focus_cart(self) -> None:
        self.cart_table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        row = self.cart_table.currentIndex().row()
        if row < 0 and self.cart_model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.select_cart_row(row)

    def clear_cart(self) -> None:
        """A void: the cart closes and a new one starts; its open payments are cancelled off the GUI thread (one
        that lands anyway goes to the review list). A cashier's: a manager's PIN (the prompt) redoes it, off it."""
        try:
            snapshot = self.local.carts.clear()
        except ApprovalRequired as exc:
            self.till_lock.approve(exc, _("clear the cart"), lambda pin: self.local.carts.clear(manager_pin=pin),
                                   self._on_cart_cleared)
            return
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        self._on_cart_cleared(snapshot)

    def _on_cart_cleared(self, snapshot: CartSnapshot) -> None:
        self._show_snapshot(snapshot)
        self.charging.close_voided()

    def _show_snapshot(self, snapshot: CartSnapshot | None = None) -> None:
        """Show the cart; None (or a snapshot of an older revision) reads the service's current one.

        A queued signal may carry an older snapshot than one already shown (this window applies
        its own changes at once): the revision tells, without re-pricing the whole cart.
        """
        carts = self.local.carts
        if snapshot is None or snapshot.uuid != carts.uuid:
            snapshot = carts.snapshot()
        self.cart_model.set_snapshot(snapshot)
        totals, locale = snapshot.totals, self.settings.locale
        self.subtotal_label.setText(money_text(totals.subtotal, locale))
        self.tax_label.setText(money_text(totals.tax, locale))
        self.total_label.setText(money_text(totals.total, locale))
        self._update_doubt_banner()
        self._update_actions()

    # -- charge --------------------------------------------------------------------------------

    def can_charge(self) -> bool:
        snapshot = self.cart_model.snapshot
        return (self.charging.can_charge() and self.payment_dialog is None
                and not snapshot.empty and not snapshot.in_doubt)

    def _update_actions(self) -> None:
        self.charge_button.setEnabled(self.can_charge())
        self.charge_button.setToolTip(self._charge_tip if self.charging.payments_ready
                                      else _("Card payments: starting payments…") + f"\n{self._charge_tip}")
        snapshot = self.cart_model.snapshot
        self.clear_button.setEnabled(not snapshot.empty and not snapshot.frozen and not snapshot.in_doubt)
        self.tenders.update()

    def _on_charging_state_changed(self, _state) -> None:
        self.doubt_retry.setEnabled(not self.charging.reconciling)
        self._update_doubt_banner()
        self._update_actions()

    def charge(self) -> None:
        """Prepare the PaymentIntent on the worker, then open the payment dialog."""
        if not self.can_charge():
            if self.cart_model.snapshot.empty:
                self.show_error(_("The cart is empty: add items before charging."))
            elif not self.charging.payments_ready:
                self.show_info(_("Payments are still starting: Charge is available in a moment."))
            return
        self.show_info(_("Preparing the card payment…"))
        self.tenders.charge()  # the sale, what is left of it, or the card part typed beside Charge

    def _on_charging_payment_prepared(self, prepared) -> None:
        self.clear_message()
        self._open_payment_dialog(prepared)

    def _on_charging_prepare_failed(self, exc: BaseException) -> None:
        self.show_error(error_text(_("The payment could not be started"), exc))

    def _open_payment_dialog(self, prepared) -> None:
        from pos_app.qt.payment_dialog import PaymentDialog

        payments = self.payments
        if payments is None:  # a PreparedPayment exists only once payments run
            raise RuntimeError("a payment dialog before the payments context was handed over")
        dialog = PaymentDialog(prepared, self.settings, payments.checkout, payments.endpoint, payments.sandbox_url,
                               self.queue, self)
        self.payment_dialog = dialog
        self.charging.follow(dialog)
        dialog.sale_completed.connect(self._on_dialog_sale_completed)
        dialog.finalize_failed.connect(self.show_error)
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        self._update_actions()
        dialog.open()
        self.payment_dialog_opened.emit(dialog)

    def _on_dialog_sale_completed(self, order) -> None:
        self.show_info(sale_paid_text(order.number, money_text(order.total_money, self.settings.locale)))
        self.sale_completed.emit(order)

    def _on_dialog_finished(self, dialog) -> None:
        self.payment_dialog = None  # the controller, which follows the dialog, has heard of it first
        if dialog.needs_abandon():
            self.show_info(_("Payment cancelled. The cart is kept."))
        dialog.deleteLater()
        self._update_actions()
        self.activateWindow()  # the keyboard belongs to the till again (F12 works at once)
        self.focus_search()

    def _on_charging_abandon_failed(self, exc: BaseException) -> None:
        self.show_error(error_text(_("Could not release the cancelled payment"), exc))

    # -- reconciliation and doubt --------------------------------------------------------------

    def start_reconcile(self) -> None:
        """Check payments not in a final state with the gateway (on the worker; later if Charge is busy)."""
        self.charging.reconcile()

    def _on_charging_reconcile_finished(self, report) -> None:
        message = reconcile_message(report)
        if message is not None:
            self._message(*message)
        self._show_snapshot()
        self.reconcile_finished.emit(report)

    def _update_doubt_banner(self) -> None:
        self.doubt_banner.setVisible(self.cart_model.snapshot.in_doubt or self.charging.in_doubt)

    def _on_checkout_event(self, name: str) -> None:
        log.debug("checkout event %s", name)
        self._show_snapshot()

    # -- messages ------------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self._message("error", text)

    def show_info(self, text: str) -> None:
        self._message("info", text)

    def clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.hide()

    def _message(self, kind: str, text: str) -> None:
        show_message(self.message_label, text, kind, self.local.carts.uuid)  # stale once the cart changes

    # -- shutdown ------------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> None:
        """Close the dialog, let queued work finish and join the worker threads, stop listening."""
        if self.health is not None:
            self.health.stop()
        self.shop_database.stop()
        if self.payment_dialog is not None:
            self.payment_dialog.reject()  # a cancelled payment's abandon() is queued: it runs before the stop
        history = self.findChild(QWidget, "historyWindow")
        if history is not None:
            history.shutdown(timeout_ms)
        self.till_lock.stop()  # no idle lock, no app-wide event filter once the till is closing
        self.queue.stop(timeout_ms / 1000)
        self.cart_relay.close()
        if self._checkout_relay is not None:
            self._checkout_relay.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.payment_dialog is not None and self.payment_dialog.busy():
            self.show_error(_("A card payment is being confirmed: wait for it to finish."))
            event.ignore()
            return
        super().closeEvent(event)

