"""The catalogue as a Qt table, one page of search results at a time.

Searching happens in the store (an FTS5 trigram index), never in Python over the whole catalogue:
set_query() resets the model to the first page, and the view pulls further pages through
canFetchMore/fetchMore as the cashier scrolls. With 100,000 items a keystroke costs one indexed
query of PAGE_SIZE rows.

data() is called for every visible cell on every repaint: it does no formatting work a second
time (prices go through the money_text cache) and builds no Qt enum values per call.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pos_app.domain import Item
from pos_app.i18n import N_, _
from pos_app.qt.money_text import money_text
from pos_app.store import CatalogueStore
from pos_app.qt.forms import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100


class CatalogueColumn(IntEnum):
    NAME = 0
    CATEGORY = 1
    SKU = 2
    PRICE = 3


HEADERS = {CatalogueColumn.NAME: N_("Item"), CatalogueColumn.CATEGORY: N_("Category"),
           CatalogueColumn.SKU: N_("SKU"), CatalogueColumn.PRICE: N_("Price")}

SKU_ROLE = Qt.ItemDataRole.UserRole + 1  # str
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2  # the Item
BARCODE_ROLE = Qt.ItemDataRole.UserRole + 3  # str | None

_DISPLAY, _ALIGN, _TOOLTIP = (int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                                                 Qt.ItemDataRole.ToolTipRole))
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NAME, _CATEGORY, _SKU, _PRICE = (int(c) for c in CatalogueColumn)


class CatalogueModel(QAbstractTableModel):
    def __init__(self, catalogue: CatalogueStore, locale: str = "en_US", parent=None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._locale = locale
        self._text = ""
        self._category: str | None = None
        self._items: list[Item] = []
        self._more = False
        self._load_first_page()

    # -- querying ------------------------------------------------------------------------------

    @property
    def query(self) -> tuple[str, str | None]:
        return self._text, self._category

    def set_query(self, text: str, category: str | None = None) -> None:
        """Show the first page of items matching text (name, sku or barcode) in category."""
        text, category = text.strip(), category or None
        if (text, category) == (self._text, self._category):
            return
        before = (self._text, self._category)
        self.beginResetModel()
        try:
            self._text, self._category = text, category
            self._load_first_page()
        except BaseException:  # the shop database away: the list shown stays; the same text searches again
            self._text, self._category = before
            raise
        finally:
            self.endResetModel()

    def refresh(self) -> None:
        """Search again (after a catalogue import)."""
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()

    def _load_first_page(self) -> None:
        self._items = self._catalogue.search(self._text, self._category, limit=PAGE_SIZE)
        self._more = len(self._items) == PAGE_SIZE

    def item_at(self, row: int) -> Item | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    # -- paging --------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self._more:
            return
        page = self._catalogue.search(self._text, self._category, limit=PAGE_SIZE, offset=len(self._items))
        self._more = len(page) == PAGE_SIZE
        if page:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._items.extend(page)
            self.endInsertRows()

    # -- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(CatalogueColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._items):
            return None
        item, column = self._items[row], index.column()
        if role == _DISPLAY:
            if column == _NAME:
                return item.name
            if column == _CATEGORY:
                return item.category
            if column == _SKU:
                return item.sku
            return money_text(item.price, self._locale)
        if role == _ALIGN:
            return _RIGHT if column == _PRICE else _LEFT
        if role == _TOOLTIP:
            return plain_tooltip(f"{item.name} — {item.sku}" + (f", barcode {item.barcode}" if item.barcode else ""))
        if role == SKU_ROLE:
            return item.sku
        if role == ITEM_ROLE:
            return item
        if role == BARCODE_ROLE:
            return item.barcode
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CatalogueColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[CatalogueColumn(section)])
        if role == _ALIGN:
            return _RIGHT if section == _PRICE else _LEFT
        return None
