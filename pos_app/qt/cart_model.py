"""The active cart as a Qt table: name, unit price, quantity (editable), line total.

The model renders CartSnapshots; edits are sent to CartService as intents (set_qty), and the
snapshot that comes back is shown. Changes are applied as row inserts/removes/dataChanged when
they can be, so the cashier's selection survives a quantity change, and a snapshot of the revision
already shown (the window applies its own change at once, then hears of it again through the
service's listener) costs nothing.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from pos_app.domain import Money, PricedLine
from pos_app.domain.discounts import DiscountedLine
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.qt.money_text import money_text
from pos_app.store import CartService, CartSnapshot

Index = QModelIndex | QPersistentModelIndex


class CartColumn(IntEnum):
    NAME = 0
    UNIT_PRICE = 1
    QTY = 2
    LINE_TOTAL = 3


HEADERS = {CartColumn.NAME: N_("Item"), CartColumn.UNIT_PRICE: N_("Price"), CartColumn.QTY: N_("Qty"),
           CartColumn.LINE_TOTAL: N_("Total")}

SKU_ROLE = Qt.ItemDataRole.UserRole + 1  # the line's sku (str)
QTY_ROLE = Qt.ItemDataRole.UserRole + 2  # the quantity (int), for any column
LINE_ROLE = Qt.ItemDataRole.UserRole + 3  # the PricedLine

_DISPLAY, _EDIT, _ALIGN, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole))
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NAME, _UNIT_PRICE, _QTY, _LINE_TOTAL = (int(c) for c in CartColumn)


class CartModel(QAbstractTableModel):
    error_occurred = Signal(str)  # an edit was refused (text safe to show)
    snapshot_shown = Signal(object)  # CartSnapshot: a new revision is on screen

    def __init__(self, carts: CartService, locale: str = "en_US", parent=None) -> None:
        super().__init__(parent)
        self._carts = carts
        self._locale = locale
        self._snapshot: CartSnapshot = carts.snapshot()
        self._lines: list[PricedLine] = list(self._snapshot.totals.lines)
        self._rows: dict[str, int] | None = None  # sku -> row, built when first asked for
        self._sold: dict[str, DiscountedLine] = _sold_lines(self._snapshot)

    # -- state ---------------------------------------------------------------------------------

    @property
    def snapshot(self) -> CartSnapshot:
        return self._snapshot

    def sku_at(self, row: int) -> str:
        return self._lines[row].sku

    def row_of(self, sku: str) -> int:
        if self._rows is None:
            self._rows = {line.sku: row for row, line in enumerate(self._lines)}
        return self._rows.get(sku, -1)

    def set_snapshot(self, snapshot: CartSnapshot) -> None:
        """Show a new snapshot with the smallest change of rows (keeps selection and scroll)."""
        old = self._snapshot
        if (snapshot.uuid, snapshot.cart_id, snapshot.frozen, snapshot.in_doubt) == (
                old.uuid, old.cart_id, old.frozen, old.in_doubt):
            self._snapshot = snapshot  # the same revision (same lines): nothing to show
            return
        self._rows = None
        self._show(snapshot)
        self.snapshot_shown.emit(snapshot)

    def _show(self, snapshot: CartSnapshot) -> None:
        self._sold = _sold_lines(snapshot)  # once per revision: data() is asked per cell
        old_lines, new_lines = self._lines, list(snapshot.totals.lines)
        old_skus, new_skus = [ln.sku for ln in old_lines], [ln.sku for ln in new_lines]
        lock_changed = self._editable(self._snapshot) != self._editable(snapshot)
        self._snapshot = snapshot
        if new_skus == old_skus:
            self._lines = new_lines
            changed = [r for r, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
            if lock_changed and new_lines:
                changed = list(range(len(new_lines)))
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0),
                                      self.index(max(changed), len(CartColumn) - 1), [])
        elif new_skus[:len(old_skus)] == old_skus:  # lines added at the end (the common case)
            self.beginInsertRows(QModelIndex(), len(old_skus), len(new_skus) - 1)
            self._lines = new_lines
            self.endInsertRows()
            self._emit_changed_prefix(old_lines, new_lines)
        elif (row := _one_removed(old_skus, new_skus)) is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._lines = new_lines
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self._lines = new_lines
            self.endResetModel()

    def _emit_changed_prefix(self, old_lines: list[PricedLine], new_lines: list[PricedLine]) -> None:
        changed = [r for r, a in enumerate(old_lines) if a != new_lines[r]]
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(CartColumn) - 1), [])

    @staticmethod
    def _editable(snapshot: CartSnapshot) -> bool:
        return not (snapshot.frozen or snapshot.in_doubt)

    # -- intents -------------------------------------------------------------------------------

    def change_qty(self, row: int, delta: int) -> bool:
        if not 0 <= row < len(self._lines):
            return False
        return self._apply(lambda: self._carts.set_qty(self._lines[row].sku, max(0, self._lines[row].qty + delta)))

    def remove_row(self, row: int) -> bool:
        if not 0 <= row < len(self._lines):
            return False
        return self._apply(lambda: self._carts.remove(self._lines[row].sku))

    def _apply(self, change) -> bool:
        try:
            snapshot = change()
        except UserFacingError as exc:
            self.error_occurred.emit(str(exc))
            return False
        self.set_snapshot(snapshot)
        return True

    # -- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(CartColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._lines):
            return None
        line, column = self._lines[row], index.column()
        if role == _DISPLAY:
            return self._display(line, column)
        if role == _EDIT:
            return line.qty if column == _QTY else self._display(line, column)
        if role == _ALIGN:
            return _LEFT if column == _NAME else _RIGHT
        if role == _TOOLTIP and column == _QTY:
            return _("+ / - change the quantity, Delete removes the line")
        if role == _TOOLTIP:
            return self._terms_text(line) or None
        if role == SKU_ROLE:
            return line.sku
        if role == QTY_ROLE:
            return line.qty
        if role == LINE_ROLE:
            return line
        return None

    def _terms_text(self, line: PricedLine) -> str:
        """What the line's price and discounts are, when it has any ('' when it is the catalogue's)."""
        sold, term = self._sold.get(line.sku), self._snapshot.terms.get(line.sku)
        if sold is None:
            return ""
        m = lambda amount: money_text(Money(amount, line.unit_price.currency), self._locale)  # noqa: E731
        parts = []
        if term is not None and term.unit_price is not None:
            parts.append(_("price {amount}").format(
                amount=m(term.unit_price)) + (f" ({term.override_reason})" if term.override_reason else ""))
        if sold.line_discount:
            reason = term.discount.reason if term is not None and term.discount else ""
            parts.append(f"−{m(sold.line_discount)}" + (f" {reason}" if reason else ""))
        if sold.order_share:
            parts.append(_("−{amount} sale discount").format(amount=m(sold.order_share)))
        return " · ".join(parts)

    def _display(self, line: PricedLine, column: int) -> str:
        if column == _NAME:
            terms = self._terms_text(line)
            return f"{line.name}  ({terms})" if terms else line.name
        if column == _UNIT_PRICE:
            return money_text(line.unit_price, self._locale)
        if column == _QTY:
            return str(line.qty)
        return money_text(line.line_total, self._locale)

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != CartColumn.QTY
                or not 0 <= index.row() < len(self._lines)):
            return False
        qty = _whole_number(value)
        if qty is None:
            self.error_occurred.emit(_("quantity must be a whole number, got {value}").format(value=repr(value)))
            return False
        sku = self._lines[index.row()].sku
        return self._apply(lambda: self._carts.set_qty(sku, qty))

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == CartColumn.QTY and self._editable(self._snapshot):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(CartColumn):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(HEADERS[CartColumn(section)])
            if role == _ALIGN:
                return _LEFT if section == _NAME else _RIGHT
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None


def _one_removed(old: list[str], new: list[str]) -> int | None:
    """The row removed from old to give new, when exactly one was (order kept)."""
    if len(old) != len(new) + 1:
        return None
    row = next((r for r, (a, b) in enumerate(zip(old, new)) if a != b), len(new))
    return row if old[:row] + old[row + 1:] == new else None


def _whole_number(value) -> int | None:
    """An int from what an editor gave (int, or text such as " 3 "); None for 2.5, "two", True."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _sold_lines(snapshot: CartSnapshot) -> dict[str, DiscountedLine]:
    """The snapshot's lines with their discounts, by sku (none when the cart has no terms)."""
    priced = snapshot.priced
    return {} if priced is None else {d.line.sku: d for d in priced.lines}
