"""Recorded orders as a Qt table, for the order history window.

The model shows a list of Orders it is given (newest first); with a `more` loader it pages in
older ones as the view scrolls (canFetchMore/fetchMore), so a till with years of sales opens
its history at once. It never writes: refunds go through CheckoutService and the refreshed
order is handed back with update_order().
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from pos_app.domain import Money, Order, format_money
from pos_app.domain.order import card_brand_name
from pos_app.i18n import N_, _, ngettext

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100

#: fetch(offset, limit) -> the next older orders
PageLoader = Callable[[int, int], list[Order]]


class OrderColumn(IntEnum):
    NUMBER = 0
    CREATED = 1
    TOTAL = 2
    REFUNDED = 3
    CARD = 4
    PAYMENT_INTENT = 5


HEADERS = {OrderColumn.NUMBER: N_("Order"), OrderColumn.CREATED: N_("Date / time"), OrderColumn.TOTAL: N_("Total"),
           OrderColumn.REFUNDED: N_("Refunded"), OrderColumn.CARD: N_("Card"),
           OrderColumn.PAYMENT_INTENT: N_("Payment")}

ORDER_ROLE = Qt.ItemDataRole.UserRole + 1  # the Order
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # its store id (int)
AMOUNT_ROLE = Qt.ItemDataRole.UserRole + 3  # TOTAL / REFUNDED in minor units (int), for sorting

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def card_text(order: Order) -> str:
    brand = _(card_brand_name(order.card_brand))  # "Card" when the brand is not known
    return f"{brand} •••• {order.card_last4}" if order.card_last4 else brand


class OrderTableModel(QAbstractTableModel):
    def __init__(self, locale: str = "en_US", parent=None) -> None:
        super().__init__(parent)
        self._locale = locale
        self._orders: list[Order] = []
        self._more: PageLoader | None = None
        self._exhausted = True

    # -- state ---------------------------------------------------------------------------------

    def set_orders(self, orders: list[Order], more: PageLoader | None = None) -> None:
        """Show `orders`; with `more`, older pages are fetched as the view asks for them."""
        self.beginResetModel()
        self._orders = list(orders)
        self._more = more
        self._exhausted = more is None or len(orders) < PAGE_SIZE
        self.endResetModel()

    def order_at(self, row: int) -> Order | None:
        return self._orders[row] if 0 <= row < len(self._orders) else None

    def row_of(self, order_id: int) -> int:
        for row, order in enumerate(self._orders):
            if order.id == order_id:
                return row
        return -1

    def update_order(self, order: Order) -> None:
        """Replace the shown copy of an order (e.g. after a refund) and repaint its row."""
        row = self.row_of(order.id)
        if row < 0:
            return
        self._orders[row] = order
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(OrderColumn) - 1),
                              [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                               Qt.ItemDataRole.ForegroundRole, ORDER_ROLE, AMOUNT_ROLE])

    # -- paging --------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._more is None:
            return
        page = self._more(len(self._orders), PAGE_SIZE)
        self._exhausted = len(page) < PAGE_SIZE
        known = {o.id for o in self._orders}
        page = [o for o in page if o.id not in known]  # a sale recorded meanwhile shifts the offset
        if page:
            self.beginInsertRows(QModelIndex(), len(self._orders), len(self._orders) + len(page) - 1)
            self._orders.extend(page)
            self.endInsertRows()

    # -- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._orders)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(OrderColumn)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(OrderColumn):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(HEADERS[OrderColumn(section)])
            if role == Qt.ItemDataRole.TextAlignmentRole and section in (OrderColumn.TOTAL, OrderColumn.REFUNDED):
                return int(_RIGHT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._orders):
            return None
        order = self._orders[index.row()]
        column = OrderColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(order, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == OrderColumn.REFUNDED and order.refunded:
                return _("Refunded in full") if order.refundable == 0 else \
                    _("{amount} left to refund").format(amount=self._money(order, order.refundable))
            return self._display(order, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (OrderColumn.TOTAL, OrderColumn.REFUNDED):
            return int(_RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and column == OrderColumn.REFUNDED and order.refunded:
            return QColor("#b91c1c")
        if role == ORDER_ROLE:
            return order
        if role == ORDER_ID_ROLE:
            return order.id
        if role == AMOUNT_ROLE and column in (OrderColumn.TOTAL, OrderColumn.REFUNDED):
            return order.total if column == OrderColumn.TOTAL else order.refunded
        return None

    def _display(self, order: Order, column: OrderColumn) -> str:
        if column == OrderColumn.NUMBER:
            return order.number
        if column == OrderColumn.CREATED:
            return datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M")
        if column == OrderColumn.TOTAL:
            return self._money(order, order.total)
        if column == OrderColumn.REFUNDED:
            return self._money(order, order.refunded) if order.refunded else ""
        if column == OrderColumn.CARD:
            return card_text(order)
        return order.payment_intent

    def _money(self, order: Order, amount: int) -> str:
        return format_money(Money(amount, order.currency), self._locale)


def orders_status_text(count: int, text: str = "") -> str:
    """The history's status line: `count` orders found by a search for `text`, or the most recent ones."""
    if not text:
        return ngettext("{count} order(s), most recent first", "{count} order(s), most recent first", count).format(
            count=count)
    if not count:
        return _("No order matches “{text}”.").format(text=text)
    return ngettext("{count} order(s) match “{text}”", "{count} order(s) match “{text}”", count).format(
        count=count, text=text)


def review_list_text(waiting: int) -> str:
    """The history's Review list button, with the number of payments waiting for a refund."""
    return _("Review list ({count} to refund)…").format(count=waiting) if waiting else _("Review list…")


def refund_made_text(record, order: Order, locale: str) -> str:
    """The history's status line after a refund (a RefundRecord) of `order`."""
    amount = format_money(Money(record.amount, record.currency), locale)
    return _("Refunded {amount} of order {number} ({refund}).").format(amount=amount, number=order.number,
                                                                       refund=refund_note(record))


def refund_note(record) -> str:
    """What the status line says of a refund (a RefundRecord) after its amount: the processor's refund
    id, or, before it has one, where the money is (an Interac refund waits for the card on the reader)."""
    if record.refund_id:
        return record.refund_id
    if record.out_of_drawer:
        return _("cash from the drawer")
    if record.status in ("pending", "processing"):
        return _("pending: the customer taps the card on the reader")
    return _(str(record.status))
