"""The till's tables: rows selected whole, and columns of fixed width so a keystroke stays cheap."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

CELL_PADDING = 28  # the style sheet's item padding (2 × 8 px) and some air
MAX_COLUMN_WIDTH = 220
ROW_HEIGHT = 32


def setup_fixed_columns(table: QTableView, model, stretch: int, samples: dict[int, str]) -> None:
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
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
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
