"""CustomerDisplay: the customer's window on a second screen: the lines as scanned, the total, the change, thanks.

It shows the till's own CartModel (a second view of it: the lines as they are scanned, no copy)
and follows the window: each cart revision shown (CartModel.snapshot_shown) and each sale
completed (MainWindow.sale_completed). After a sale, while the next cart is empty, it thanks the
customer and shows the change due from the same figures as GET /cart's last_sale
(CheckoutService.completed_sale: the stored cash tenders), read from the local store on the GUI
thread like every cart read; a sale paid wholly by one card shows what was paid. The /display
page stays for other devices. Opened by qt/customer_screen.py only when there is a screen for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from pos_app.domain import Money, Order
from pos_app.i18n import _
from pos_app.qt.cart_model import CartColumn
from pos_app.qt.money_text import money_text

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartSnapshot

DISPLAY_STYLE = """
QWidget#customerDisplay { background: #0f172a; }
QLabel { color: #f8fafc; }
QLabel#displayShop { font-size: 22pt; font-weight: 600; color: #cbd5e1; }
QTableView#displayLines { font-size: 22pt; background: #0f172a; color: #f8fafc; border: none;
                          alternate-background-color: #1e293b; selection-background-color: #0f172a; }
QLabel#displayTotal { font-size: 48pt; font-weight: 700; }
QLabel#displayMessage { font-size: 36pt; font-weight: 600; color: #86efac; }
"""


class CustomerDisplay(QWidget):
    def __init__(self, window: MainWindow) -> None:
        # A window of its own, closed with the till's; it never takes the keyboard from the till.
        super().__init__(window, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("customerDisplay")
        self.setWindowTitle(_("Customer display"))
        self.setStyleSheet(DISPLAY_STYLE)
        self._window, self._locale = window, window.settings.locale
        self._last_order: Order | None = None  # the sale just completed, while the next cart is empty
        self._build(window)
        window.cart_model.snapshot_shown.connect(self._on_cart_model_snapshot_shown)
        window.sale_completed.connect(self._on_window_sale_completed)
        self.refresh()

    def _build(self, window: MainWindow) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        shop = QLabel(window.settings.shop_name, self)
        shop.setObjectName("displayShop")
        self.lines = QTableView(self)
        self.lines.setObjectName("displayLines")
        self.lines.setModel(window.cart_model)
        self.lines.setColumnHidden(CartColumn.UNIT_PRICE, True)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setShowGrid(False)
        self.lines.setAlternatingRowColors(True)
        self.lines.verticalHeader().setVisible(False)
        self.lines.verticalHeader().setDefaultSectionSize(52)
        self.lines.horizontalHeader().setVisible(False)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(CartColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(CartColumn.QTY, 120)
        header.resizeSection(CartColumn.LINE_TOTAL, 240)
        self.total = QLabel(self)
        self.total.setObjectName("displayTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message = QLabel(self)
        self.message.setObjectName("displayMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        for label in (shop, self.total, self.message):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a shop or item name is text, whatever it looks like
        layout.addWidget(shop)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.message, 1)  # between sales it has the screen (the lines are hidden)

    def show_on(self, screen: QScreen) -> None:
        """Full screen on `screen` (the till's second screen)."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.setWindowState(Qt.WindowState.WindowFullScreen)
        self.show()  # not showFullScreen(): it asks to activate the window, which must leave the till's focus

    # -- following the till ----------------------------------------------------------------------

    def _on_cart_model_snapshot_shown(self, _snapshot: CartSnapshot) -> None:
        self.refresh()

    def _on_window_sale_completed(self, order: object) -> None:
        self._last_order = order if isinstance(order, Order) else None
        self.refresh()

    def refresh(self) -> None:
        snapshot = self._window.cart_model.snapshot
        selling = not snapshot.empty
        self.lines.setVisible(selling)
        self.total.setVisible(selling)
        self.message.setVisible(not selling)
        if selling:
            self._last_order = None
            self.total.setText(_("Total {amount}").format(amount=money_text(snapshot.totals.total, self._locale)))
            self.message.setText("")
            return
        self.total.setText("")
        self.message.setText(self._after_sale_text(snapshot))

    def _after_sale_text(self, snapshot: CartSnapshot) -> str:
        """Thanks and the change due after a sale (the stored tenders' figures), else a welcome."""
        payments = self._window.payments
        completed = payments.checkout.completed_sale(snapshot) if payments is not None else None
        if completed is not None and completed.paid_in_cash:
            currency = completed.order.currency
            return _("Thank you!\n\nYour change: {change}\n(paid {paid})").format(
                paid=money_text(Money(completed.tendered, currency), self._locale),
                change=money_text(Money(completed.change, currency), self._locale))
        order = completed.order if completed is not None else self._last_order
        if order is not None:
            return _("Thank you!\nPaid {paid}").format(paid=money_text(order.total_money, self._locale))
        return _("Welcome")
