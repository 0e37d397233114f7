"""ParkedModel: the parked sales as a Qt table (label, lines, total, who, when), for the Recall… list."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from pos_app.domain import Money
from pos_app.i18n import N_, _
from pos_app.qt.money_text import money_text
from pos_app.store import ParkedCart

Index = QModelIndex | QPersistentModelIndex
PARKED_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the parked sale's id (int)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ParkedColumn(IntEnum):
    LABEL = 0
    LINES = 1
    TOTAL = 2
    PARKED_BY = 3
    PARKED_AT = 4


HEADERS = {ParkedColumn.LABEL: N_("Sale"), ParkedColumn.LINES: N_("Lines"), ParkedColumn.TOTAL: N_("Total"),
           ParkedColumn.PARKED_BY: N_("Parked by"), ParkedColumn.PARKED_AT: N_("At")}


class ParkedModel(QAbstractTableModel):
    def __init__(self, parked: list[ParkedCart], currency: str, locale: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._parked, self._currency, self._locale = list(parked), currency, locale

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._parked)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(ParkedColumn)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(ParkedColumn) \
                and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[ParkedColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._parked):
            return None
        parked, column = self._parked[index.row()], ParkedColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._display(parked, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ParkedColumn.LINES, ParkedColumn.TOTAL):
            return int(_RIGHT)
        if role == PARKED_ID_ROLE:
            return parked.id
        return None

    def _display(self, parked: ParkedCart, column: ParkedColumn) -> str:
        if column == ParkedColumn.LABEL:
            return parked.label
        if column == ParkedColumn.LINES:
            return str(parked.line_count)
        if column == ParkedColumn.TOTAL:
            return money_text(Money(parked.total, self._currency), self._locale)
        if column == ParkedColumn.PARKED_BY:
            return parked.parked_by or ""
        return datetime.fromtimestamp(parked.parked_at).strftime("%H:%M")
