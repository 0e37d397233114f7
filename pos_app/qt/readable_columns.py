"""ReadableColumns: a table's name column keeps a readable width; the least needed columns give way first.

The tables' other columns have fixed widths fitted to their widest content (qt/tables.py: never
ResizeToContents, which reads every cell on each change), and the name column stretches into
the rest. On a narrow screen (800×600) that rest can be nothing, so, as the table is resized,
the optional columns (the catalogue's SKU, then its category; the cart's unit price) are hidden
while the name would be narrower than NAME_MIN_TEXT, and shown again once there is room.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

NAME_MIN_TEXT = "Chocolate Chip Cookie"  # a long name of the demo catalogue: it must read in full
NAME_PADDING = 20  # the style sheet's item padding (2 × 8 px) and the elision's air


def columns_to_hide(available: int, widths: Mapping[int, int], optional: Sequence[int], name_min: int) -> set[int]:
    """The optional columns (first given, first hidden) to hide so that what the fixed-width
    columns leave of `available` is at least `name_min`; as few as will do."""
    hidden: set[int] = set()
    left = available - sum(widths.values())
    for column in optional:
        if left >= name_min:
            break
        hidden.add(column)
        left += widths[column]
    return hidden


class ReadableColumns(QObject):
    """Installed on `table`: hides and shows `optional` columns as the table is resized."""

    def __init__(self, table: QTableView, stretch: int, optional: Sequence[int]) -> None:
        super().__init__(table)
        self._table, self._stretch, self._optional = table, stretch, tuple(optional)
        header = table.horizontalHeader()
        self._widths = {column: header.sectionSize(column) for column in range(table.model().columnCount())
                        if column != stretch}
        self.name_min = table.fontMetrics().horizontalAdvance(NAME_MIN_TEXT) + NAME_PADDING
        table.viewport().installEventFilter(self)  # its width is what the columns share

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        table = self._table
        available = table.viewport().width() or table.width()
        hidden = columns_to_hide(available, self._widths, self._optional, self.name_min)
        for column in self._optional:
            if table.isColumnHidden(column) != (column in hidden):
                table.setColumnHidden(column, column in hidden)
