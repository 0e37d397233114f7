"""The till window: catalogue search (and barcode scanner input), cart, totals and Charge.

Keyboard first: focus starts in the search field; typing filters, Enter adds the highlighted
item (or the item of a scanned barcode), Down moves into the list; F4 goes to the cart where
+ / - change the quantity and Delete removes a line; F12 or Ctrl+Enter charges.

The window renders state and sends intents: cart changes go to CartService (quick local
SQLite commits, fine on the GUI thread), checkout calls go to the CheckoutQueue worker.

It opens before payments are up: built over the LocalContext (settings, store), the catalogue and
cart work at once and Charge stays disabled ("starting payments…") until it is handed the
PaymentsContext (services_started(payments)).

Keystrokes stay cheap whatever the catalogue's size: a search is one page (CatalogueModel), the
tables' columns have fixed widths (ResizeToContents would make Qt format every cell of every row
on each change), and digits - a barcode scanner's burst - are searched once, on the next turn of
the event loop, instead of once per digit.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHeaderView, QLabel, QLineEdit,
                               QMainWindow, QPushButton, QSplitter, QStatusBar, QTableView, QWidget)

from pos_app.config import TRAINING
from pos_app.domain import Money
from pos_app.errors import UserFacingError
from pos_app.payments.gateway import GatewayUnavailable
from pos_app.qt.cart_bridge import CartBridge
from pos_app.qt.cart_model import CartColumn, CartModel
from pos_app.qt.catalogue_model import PAGE_SIZE, CatalogueColumn, CatalogueModel
from pos_app.qt.forms import child, load_form, plain_text_labels, plain_tooltip
from pos_app.store.catalogue import SEARCH_CAP
from pos_app.qt.health import HealthMonitor
from pos_app.qt.money_text import money_text
from pos_app.qt.style import TILL_STYLE, badge_style, show_kind
from pos_app.qt.workers import CheckoutQueue
from pos_app.store import CartSnapshot

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext, PaymentsContext

log = logging.getLogger(__name__)

ALL_CATEGORIES = "All categories"
MIN_BARCODE_LENGTH = 6
CATALOGUE_HINT = "Enter adds · ↓ into the list · F2 search · F3 category · F4 cart · F12 charge"
STARTING_PAYMENTS = "starting payments…"
CELL_PADDING = 28  # the style sheet's item padding (2 × 8 px) and some air
MAX_COLUMN_WIDTH = 220


class MainWindow(QMainWindow):
    """The till over `local` (settings, store); `queue` runs checkout calls off the GUI thread.

    `payments`, if already started, is handed over at once; otherwise call services_started(payments)
    (or services_failed(exc)) on the GUI thread once AppCore.start_services() has returned (or raised).
    """

    payment_dialog_opened = Signal(object)  # PaymentDialog
    sale_completed = Signal(object)  # Order
    reconcile_finished = Signal(object)  # ReconcileReport (or the exception)
    payments_ready = Signal()  # services_started(): Charge can be taken once the cart allows

    def __init__(self, local: LocalContext, queue: CheckoutQueue | None = None, parent: QWidget | None = None,
                 *, payments: PaymentsContext | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.local = local
        self.payments: PaymentsContext | None = payments  # None until services_started(payments)
        self.settings = local.settings
        self.queue = queue or CheckoutQueue(self)
        self.payment_dialog = None
        self._preparing = False
        self._reconcile_in_doubt = False
        self._reconciling = False
        self._reconcile_wanted = False  # start_reconcile() asked for before the services were up
        self._unsubscribe_checkout = None
        self.health: HealthMonitor | None = None  # endpoint and gateway health, once payments run
        self._clearing_after_scan = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)  # after the key events already queued: a scanner's burst
        self._search_timer.timeout.connect(self._run_search)

        self._build_form()
        self._build_status_bar()
        plain_text_labels(self)  # the status bar's labels too (the form's are plain already)
        self._build_models()
        self._build_shortcuts()
        if payments is not None:
            self._connect_checkout_events(payments)
            self._start_health_checks(payments)
        self._show_snapshot()
        self.setWindowTitle(f"{self.settings.shop_name} — pos-app" + (" (TRAINING)" if local.mode == TRAINING else ""))
        self.resize(1180, 720)
        self.search.setFocus()

    # -- construction --------------------------------------------------------------------------

    def _build_form(self) -> None:
        form = load_form("main_window.ui", self)
        form.setStyleSheet(TILL_STYLE)
        self.setCentralWidget(form)
        self.form = form
        self.search: QLineEdit = child(form, QLineEdit, "catalogueSearch")
        self.catalogue_hint: QLabel = child(form, QLabel, "catalogueHint")
        self.category: QComboBox = child(form, QComboBox, "categoryFilter")
        self.catalogue_table: QTableView = child(form, QTableView, "catalogueTable")
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
        splitter = child(form, QSplitter, "mainSplitter")
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([650, 520])

        mode = self.local.mode
        self.mode_badge.setText(mode.upper())
        self.mode_badge.setStyleSheet(badge_style(mode))
        self.mode_badge.setToolTip({TRAINING: "Training mode: payments go to the built-in sandbox; no real money"}
                                   .get(mode, f"{mode} mode: payments go to Stripe"))
        self.category.addItem(ALL_CATEGORIES, None)
        self._categories = self.local.store.catalogue.categories()
        for name in self._categories:
            self.category.addItem(name, name)

        self.charge_button.clicked.connect(self.charge)
        self.clear_button.clicked.connect(self.clear_cart)
        self.doubt_retry.clicked.connect(self.start_reconcile)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.category.currentIndexChanged.connect(self._on_category_changed)
        for widget in (self.search, self.catalogue_table, self.cart_table):
            widget.installEventFilter(self)

    def _build_status_bar(self) -> None:
        bar = QStatusBar(self)
        bar.setObjectName("statusBar")
        self.setStatusBar(bar)
        self.status_mode = self._status_label("statusMode", f"Mode: {self.local.mode.upper()}")
        endpoint = self.payments.endpoint.url if self.payments is not None else STARTING_PAYMENTS
        self.status_endpoint = self._status_label("statusEndpoint", f"Endpoint: {endpoint}")
        self.status_gateway = self._status_label(
            "statusGateway", "Gateway: checking…" if self.payments is not None else f"Gateway: {STARTING_PAYMENTS}")
        for label in (self.status_mode, self.status_endpoint, self.status_gateway):
            bar.addPermanentWidget(label)

    def _status_label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        return label

    def _build_models(self) -> None:
        locale = self.settings.locale
        self.catalogue_model = CatalogueModel(self.local.store.catalogue, locale, self)
        self.cart_model = CartModel(self.local.carts, locale, self)
        self.cart_model.error_occurred.connect(self.show_error)
        self.cart_bridge = CartBridge(self.local.carts, self)
        self.cart_bridge.cart_changed.connect(self._on_cart_changed)

        sample_price = money_text(Money(999_999, self.settings.currency), locale)
        longest_category = max(self._categories, key=len, default="")
        self._setup_table(self.catalogue_table, self.catalogue_model, stretch=CatalogueColumn.NAME, samples={
            CatalogueColumn.CATEGORY: longest_category, CatalogueColumn.SKU: "MMM-00000000",
            CatalogueColumn.PRICE: sample_price})
        self.catalogue_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.catalogue_table.doubleClicked.connect(lambda index: self._add_catalogue_row(index.row()))
        self.catalogue_model.modelReset.connect(self._select_first_catalogue_row)

        self._setup_table(self.cart_table, self.cart_model, stretch=CartColumn.NAME, samples={
            CartColumn.UNIT_PRICE: sample_price, CartColumn.QTY: "0000", CartColumn.LINE_TOTAL: sample_price + "0"})
        self.cart_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self._select_first_catalogue_row()

    @staticmethod
    def _setup_table(table: QTableView, model, stretch: int, samples: dict[int, str]) -> None:
        """Columns of fixed width (from the font and a sample of the widest text), one stretching.

        Never ResizeToContents: it makes the view ask data() for every cell of every row on each
        reset or change (100 rows per keystroke, the whole cart per scan).
        """
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(32)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        table.ensurePolished()  # the style sheet's fonts
        header.ensurePolished()
        cells, titles = table.fontMetrics(), QFontMetrics(header.font())
        for column in range(model.columnCount()):
            if column == stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(cells.horizontalAdvance(samples.get(column, "")), titles.horizontalAdvance(title))
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, min(width + CELL_PADDING, MAX_COLUMN_WIDTH))

    def _build_shortcuts(self) -> None:
        def shortcut(keys, slot) -> None:
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WindowShortcut)

        shortcut(["F12", "Ctrl+Return", "Ctrl+Enter"], self.charge)
        shortcut(["F2", "Ctrl+F"], self.focus_search)
        shortcut(["F3"], self.category.setFocus)
        shortcut(["F4"], self.focus_cart)
        shortcut(["Ctrl+Delete"], self.clear_cart)
        shortcut(["F9"], self.open_history)
        from pos_app.qt.history_window import REPORT_KEYS, pass_shortcuts_through
        shortcut([REPORT_KEYS], self.open_report)
        pass_shortcuts_through(self.search, REPORT_KEYS)  # else the search field's Redo takes the keys

    def open_history(self):
        """The order history (F9): reprint, refund, Z report (pos_app/qt/history_window.py)."""
        if self.payments is None:
            self._tell_payments_starting("the order history opens")
            return None
        from pos_app.qt.history_window import open_history
        return open_history(self, self.local, self.payments)

    def open_report(self):
        """Today's end-of-day (Z) report (Ctrl+Shift+Z)."""
        if self.payments is None:
            self._tell_payments_starting("the report opens")
            return None
        from pos_app.qt.history_window import open_report
        return open_report(self, self.local, self.payments)

    def _connect_checkout_events(self, payments: PaymentsContext) -> None:
        if self._unsubscribe_checkout is None:
            self._checkout_events = _CheckoutEvents(self)
            self._checkout_events.event.connect(self._on_checkout_event)
            self._unsubscribe_checkout = payments.events.subscribe(self._checkout_events.event.emit)

    # -- payments starting in the background ---------------------------------------------------

    @property
    def services_ready(self) -> bool:
        """Payments and the local endpoint run: a Charge can be taken."""
        return self.payments is not None

    def services_started(self, payments: PaymentsContext) -> None:
        """AppCore.start_services() has returned `payments`: enable Charge, listen to checkout, run a
        wanted reconcile."""
        if self.payments is not None:
            return
        self.payments = payments
        self._connect_checkout_events(payments)
        self.status_endpoint.setText(f"Endpoint: {payments.endpoint.url}")
        self.status_gateway.setText("Gateway: checking…")
        self.status_gateway.setToolTip("")
        self._update_actions()
        self._start_health_checks(payments)
        if self._reconcile_wanted:
            self._reconcile_wanted = False
            self.start_reconcile()
        self.payments_ready.emit()

    def _start_health_checks(self, payments: PaymentsContext) -> None:
        self.health = HealthMonitor(payments.endpoint, payments.gateway, parent=self)
        self.health.checked.connect(self._on_health_checked)
        self.health.start()

    def _on_health_checked(self, endpoint_ok: bool, gateway_ok: bool, detail: str) -> None:
        url = self.payments.endpoint.url if self.payments is not None else ""
        self.status_endpoint.setText(f"Endpoint: {url}" if endpoint_ok else "Endpoint: not running")
        self._set_gateway_status(gateway_ok, detail)

    def services_failed(self, exc: BaseException) -> None:
        """core.start_services() raised: card payments are unavailable (the catalogue and cart still work)."""
        self.status_endpoint.setText("Endpoint: not running")
        self._set_gateway_status(False, str(exc))
        self.show_error(_error_text("Card payments could not be started", exc))
        self._update_actions()

    def _tell_payments_starting(self, what: str) -> None:
        self.show_info(f"Payments are still starting: {what} in a moment.")

    # -- catalogue -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search_text_changed(self, text: str) -> None:
        # Digits may be a scanner halfway through a code (13 keys in a few ms, then Enter, which
        # finds the barcode itself): search once, after the keys already queued. Other text is
        # searched at once, so the list answers each key as it is typed (and PosDriver.search,
        # which reads the list right after typing, sees it).
        if self._clearing_after_scan or text.strip().isdigit():
            self._search_timer.start()
        else:
            self._run_search()

    def _run_search(self) -> None:
        """Show the list for the field's text now (also what flushes a pending coalesced search)."""
        self._search_timer.stop()
        text, category = self.search.text(), self.category.currentData()
        self.catalogue_model.set_query(text, category)
        self._update_catalogue_hint(text.strip(), category)

    def _update_catalogue_hint(self, text: str, category) -> None:
        """Say so when a query matches more items than a search gives (CatalogueStore.SEARCH_CAP)."""
        capped = (bool(text) and self.catalogue_model.rowCount() >= PAGE_SIZE
                  and self.local.store.catalogue.match_count(text, category) > SEARCH_CAP)
        self.catalogue_hint.setText(f"More than {SEARCH_CAP:,} items match: keep typing to narrow the list"
                                    if capped else CATALOGUE_HINT)
        if self.catalogue_hint.property("capped") != capped:
            self.catalogue_hint.setProperty("capped", capped)
            self.catalogue_hint.style().polish(self.catalogue_hint)  # apply the [capped] style rule

    def _on_category_changed(self, _index: int) -> None:
        self._run_search()

    def _select_first_catalogue_row(self) -> None:
        if self.catalogue_model.rowCount() > 0:
            self.catalogue_table.setCurrentIndex(self.catalogue_model.index(0, 0))
            self.catalogue_table.scrollToTop()

    def _on_search_return_pressed(self) -> None:
        text = self.search.text().strip()
        if text.isdigit() and len(text) >= MIN_BARCODE_LENGTH:
            item = self.local.store.catalogue.by_barcode(text)
            if item is not None:
                if self._add_sku(item.sku):
                    self._clear_after_scan()
                return
        self._run_search()  # the list answers the text as typed now (a search may be pending)
        row = self.catalogue_table.currentIndex().row()
        if row < 0 and self.catalogue_model.rowCount() > 0:
            row = 0
        if row < 0:
            self.show_error(f"no item matches {text!r}" if text else "the catalogue is empty")
            return
        if self._add_catalogue_row(row):
            self.search.selectAll()  # typing replaces the text; Enter again adds one more

    def _clear_after_scan(self) -> None:
        """Empty the field for the scanner's next code; the full list comes back on the next loop turn."""
        self._clearing_after_scan = True
        try:
            self.search.clear()
        finally:
            self._clearing_after_scan = False

    def _add_catalogue_row(self, row: int) -> bool:
        item = self.catalogue_model.item_at(row)
        return item is not None and self._add_sku(item.sku)

    def _add_sku(self, sku: str) -> bool:
        try:
            snapshot = self.local.carts.add(sku, 1)
        except UserFacingError as exc:
            self.show_error(str(exc))
            return False
        self._show_snapshot(snapshot)
        row = self.cart_model.row_of(sku)
        if row >= 0:
            self.cart_table.selectionModel().setCurrentIndex(
                self.cart_model.index(row, CartColumn.QTY),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.cart_table.scrollTo(self.cart_model.index(row, 0))
        item = self.local.carts.item(sku)
        self.show_info(f"Added {item.name if item else sku}")
        return True

    # -- cart ----------------------------------------------------------------------------------

    def focus_cart(self) -> None:
        self.cart_table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        index = self.cart_table.currentIndex()
        if not index.isValid() and self.cart_model.rowCount() > 0:
            index = self.cart_model.index(0, CartColumn.QTY)
        if index.isValid():
            self.cart_table.selectionModel().setCurrentIndex(
                self.cart_model.index(index.row(), CartColumn.QTY),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def clear_cart(self) -> None:
        """A void: the cart closes and a new one starts; its open payments are cancelled off the
        GUI thread (one that lands anyway goes to the review list, never into the next cart)."""
        try:
            self._show_snapshot(self.local.carts.clear())
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        if self.payments is not None:
            self.queue.submit("close-voided", self.payments.checkout.close_voided)

    def _on_cart_changed(self, snapshot: CartSnapshot) -> None:
        self._show_snapshot(snapshot)

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
        return (self.payments is not None and not snapshot.empty and not snapshot.in_doubt
                and not self._reconcile_in_doubt and not self._preparing and not self._reconciling
                and self.payment_dialog is None)

    def _update_actions(self) -> None:
        self.charge_button.setEnabled(self.can_charge())
        self.charge_button.setToolTip(self._charge_tip if self.payments is not None
                                      else f"Card payments: {STARTING_PAYMENTS}\n{self._charge_tip}")
        snapshot = self.cart_model.snapshot
        self.clear_button.setEnabled(not snapshot.empty and not snapshot.frozen and not snapshot.in_doubt)

    def charge(self) -> None:
        """Prepare the PaymentIntent on the worker, then open the payment dialog."""
        if not self.can_charge() or self.payments is None:
            if self.cart_model.snapshot.empty:
                self.show_error("The cart is empty: add items before charging.")
            elif self.payments is None:
                self.show_info("Payments are still starting: Charge is available in a moment.")
            return
        self._preparing = True
        self._update_actions()
        self.show_info("Preparing the card payment…")
        checkout = self.payments.checkout
        self.queue.submit("prepare", checkout.prepare, self._on_prepare_succeeded, self._on_prepare_failed)

    def _on_prepare_succeeded(self, prepared) -> None:
        self._preparing = False
        self._set_gateway_status(True)
        self.clear_message()
        self.open_payment_dialog(prepared)

    def _on_prepare_failed(self, exc: BaseException) -> None:
        self._preparing = False
        self._set_gateway_status(not isinstance(exc, GatewayUnavailable), str(exc))
        self.show_error(_error_text("The payment could not be started", exc))
        self._update_actions()

    def open_payment_dialog(self, prepared) -> None:
        from pos_app.qt.payment_dialog import PaymentDialog

        if self.payments is None:  # a PreparedPayment exists only once payments run
            raise RuntimeError("open_payment_dialog before the payments context was handed over")
        payments = self.payments
        dialog = PaymentDialog(prepared, self.settings, payments.checkout, payments.endpoint, payments.sandbox_url,
                               self.queue, self)
        self.payment_dialog = dialog
        dialog.sale_completed.connect(self._on_dialog_sale_completed)
        dialog.finalize_failed.connect(self._on_dialog_finalize_failed)
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        self._update_actions()
        dialog.open()
        self.payment_dialog_opened.emit(dialog)

    def _on_dialog_sale_completed(self, order) -> None:
        self.show_info(f"Sale {order.number} paid: {money_text(order.total_money, self.settings.locale)}")
        self.sale_completed.emit(order)

    def _on_dialog_finalize_failed(self, message: str) -> None:
        self.show_error(message)
        self.start_reconcile()

    def _on_dialog_finished(self, dialog) -> None:
        if dialog.needs_abandon():
            # Cancelled: unfreeze the cart; the PaymentIntent stays reusable while the cart is unchanged.
            if self.payments is not None:
                self.queue.submit("abandon", self.payments.checkout.abandon, None, self._on_abandon_failed)
            self.show_info("Payment cancelled. The cart is kept.")
        self.payment_dialog = None
        dialog.deleteLater()
        self._update_actions()
        self.activateWindow()  # the keyboard belongs to the till again (F12 works at once)
        self.focus_search()

    def _on_abandon_failed(self, exc: BaseException) -> None:
        self.show_error(_error_text("Could not release the cancelled payment", exc))

    # -- reconciliation and doubt --------------------------------------------------------------

    def start_reconcile(self) -> None:
        """Check payments not in a final state with the gateway (on the worker)."""
        if self._reconciling:
            return
        if self.payments is None:
            self._reconcile_wanted = True  # runs from services_started()
            return
        self._reconciling = True
        self.doubt_retry.setEnabled(False)
        self._update_actions()
        self.queue.submit("reconcile", self.payments.checkout.reconcile, self._on_reconcile_done,
                          self._on_reconcile_done)

    def _on_reconcile_done(self, report) -> None:
        self._reconciling = False
        self.doubt_retry.setEnabled(True)
        if isinstance(report, BaseException):
            self._reconcile_in_doubt = True
            self._set_gateway_status(False, str(report))
            self.show_error(_error_text("Unfinished payments could not be checked", report))
        else:
            self._reconcile_in_doubt = report.in_doubt
            self._set_gateway_status(not report.in_doubt, report.error or "")
            if report.error:
                self.show_error(report.error)
            elif report.review:
                self.show_error(f"{len(report.review)} payment(s) went through but are no sale (paid with another "
                                f"amount, or after the cart was cleared): a manager refunds them from History → "
                                f"Review list. Selling goes on.")
            elif report.finalized:
                self.show_info(f"Recovered {len(report.finalized)} paid sale(s) that had not been recorded.")
        self._show_snapshot()
        self.reconcile_finished.emit(report)

    def _update_doubt_banner(self) -> None:
        self.doubt_banner.setVisible(self.cart_model.snapshot.in_doubt or self._reconcile_in_doubt)

    def _set_gateway_status(self, healthy: bool, detail: str = "") -> None:
        text = "Gateway: OK" if healthy else "Gateway: unreachable"
        self.status_gateway.setText(text)
        self.status_gateway.setToolTip(plain_tooltip(detail) if detail else "")
        self.status_gateway.setProperty("healthy", healthy)

    def _on_checkout_event(self, name: str) -> None:
        log.debug("checkout event %s", name)
        self._show_snapshot()

    # -- messages ------------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self._message(text, "error")

    def show_info(self, text: str) -> None:
        self._message(text, "info")

    def clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.hide()

    def _message(self, text: str, kind: str) -> None:
        show_kind(self.message_label, text, kind)
        self.message_label.show()

    # -- keyboard ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if watched is self.search:
                return self._on_search_key(event)
            if watched is self.catalogue_table:
                return self._on_catalogue_key(event)
            if watched is self.cart_table:
                return self._on_cart_key(event)
        return super().eventFilter(watched, event)

    def _on_search_key(self, event) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self._search_timer.isActive():
            self._run_search()  # the list the cashier moves into answers what is typed
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.catalogue_model.rowCount() > 0:
            self.catalogue_table.setFocus(Qt.FocusReason.OtherFocusReason)
            row = max(self.catalogue_table.currentIndex().row(), 0)
            self.catalogue_table.setCurrentIndex(self.catalogue_model.index(row, 0))
            return True
        if key == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            return True
        return False

    def _on_catalogue_key(self, event) -> bool:
        key, row = event.key(), self.catalogue_table.currentIndex().row()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if row >= 0:
                self._add_catalogue_row(row)
            return True
        if (key == Qt.Key.Key_Up and row <= 0) or key == Qt.Key.Key_Escape:
            self.focus_search()
            return True
        text = event.text()
        if text and text.isprintable() and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier \
                & ~Qt.KeyboardModifier.KeypadModifier:
            # Typing in the list continues the search.
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
            self.search.insert(text)
            return True
        return False

    def _on_cart_key(self, event) -> bool:
        if self.cart_table.state() == QAbstractItemView.State.EditingState:
            return False
        key, row = event.key(), self.cart_table.currentIndex().row()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self._keep_cart_row(row, self.cart_model.change_qty(row, +1))
            return True
        if key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self._keep_cart_row(row, self.cart_model.change_qty(row, -1))
            return True
        if (key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._keep_cart_row(row, self.cart_model.remove_row(row))
            return True
        if key == Qt.Key.Key_Escape:
            self.focus_search()
            return True
        return False

    def _keep_cart_row(self, row: int, changed: bool) -> None:
        """After a change keep a sensible current line (the same row, or the last one)."""
        count = self.cart_model.rowCount()
        if changed and count:
            row = min(max(row, 0), count - 1)
            self.cart_table.selectionModel().setCurrentIndex(
                self.cart_model.index(row, CartColumn.QTY),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    # -- shutdown ------------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        """Close the dialog, let queued checkout work finish, stop listening to the services."""
        if self.health is not None:
            self.health.stop()
        if self.payment_dialog is not None:
            self.payment_dialog.reject()
        self.queue.wait(timeout_ms)
        self.cart_bridge.close()
        if self._unsubscribe_checkout is not None:
            self._unsubscribe_checkout()
            self._unsubscribe_checkout = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.payment_dialog is not None and self.payment_dialog.busy():
            self.show_error("A card payment is being confirmed: wait for it to finish.")
            event.ignore()
            return
        super().closeEvent(event)


class _CheckoutEvents(QObject):
    """CheckoutService events arrive on any thread; this signal queues them to the GUI thread."""

    event = Signal(str)


def _error_text(context: str, exc: BaseException) -> str:
    if isinstance(exc, UserFacingError):
        return f"{context}: {exc}"
    return f"{context}: an unexpected error happened (see the log)."
