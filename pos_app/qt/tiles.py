"""TilePanel (objectName tilePanel): the product tiles beside the search list, for a touch screen.

The home page shows the tiles file's tiles (qt/tiles_file.py: favourite items and categories,
in its order; without one, a tile per category). A category tile opens that category's items as
tiles, PAGE_TILES at a time (Back, and More / Previous between pages); an item tile adds its item
through `add_sku`, the very call the search's Enter and a scan make (open-price items ask for
their price, the cart's rules apply). Nothing is built before the panel is first shown, and only
the page on screen exists: a category of 100 000 items costs one indexed query of PAGE_TILES + 1
rows, and search never reads the tiles file; it is read just after the panel's first paint, so the
till's first frame never waits for it. Tiles never take the keyboard focus:
the search field keeps it, so a barcode scanned after a tap still goes where scans go.

objectNames: tilePanel, tileTitle, tileBackButton, tilePreviousButton, tileMoreButton, tileScroll,
tileGrid; item tiles `tile_<sku>`, category tiles `tileCategory_<category>`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from pos_app.i18n import _
from pos_app.qt.money_text import money_text
from pos_app.qt.theme import TOUCH_MIN_PX
from pos_app.qt.tiles_file import Tile, read_tiles, tiles_path

log = logging.getLogger(__name__)

PAGE_TILES = 24  # a category's items per page: what a 10-inch screen shows without scrolling much
TILE_SIZE = QSize(104, 64)  # above TOUCH_MIN_PX both ways; two lines of a name fit
TILE_SPACING = 6
WRAP_AT = 14  # characters: a longer name breaks onto a second line

TILE_STYLE = f"""
QPushButton[tile="item"] {{ font-size: 10pt; min-height: {TILE_SIZE.height()}px; }}
QPushButton[tile="category"] {{ font-size: 11pt; font-weight: 700; min-height: {TILE_SIZE.height()}px; }}
QPushButton#tileBackButton, QPushButton#tilePreviousButton, QPushButton#tileMoreButton {{
    min-height: {TOUCH_MIN_PX}px; min-width: {TOUCH_MIN_PX}px; }}
QLabel#tileTitle {{ font-weight: 600; }}
"""


@dataclass(frozen=True)
class _Shown:
    """A tile on screen: its label, its text, what a tap does, its objectName and kind."""

    label: str
    text: str
    tap: Callable[[], object]
    name: str
    kind: str  # item | category
    spoken: str


def two_lines(text: str) -> str:
    """A long name on two lines, broken at the space nearest its middle."""
    if len(text) <= WRAP_AT or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, char in enumerate(text) if char == " "]
    at = min(spaces, key=lambda i: abs(i - middle))
    return text[:at] + "\n" + text[at + 1:]


class TilePanel(QWidget):
    tile_tapped = Signal(str)  # the objectName of the tile tapped, after it acted

    def __init__(self, catalogue, settings, add_sku: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tilePanel")
        self.setAccessibleName(_("Product tiles"))
        self.setAccessibleDescription(_("Favourite items and categories: a tap adds an item or opens a category"))
        self.setStyleSheet(TILE_STYLE)
        self._catalogue, self._settings, self._add_sku = catalogue, settings, add_sku
        self._home: list[Tile] | None = None  # read after the first paint
        self._filling = False
        self._category: str | None = None
        self._page = 0
        self._shown: list[_Shown] = []
        self._buttons: list[QPushButton] = []  # the page's tiles, as _shown
        self._columns = 0
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = header = QHBoxLayout()
        self.back_button = self._nav_button("tileBackButton", _("‹ Back"), _("Back to the favourites"), self.show_home)
        self.title = QLabel(self)
        self.title.setObjectName("tileTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a category's name is text
        header.addWidget(self.back_button)
        header.addWidget(self.title, 1)
        layout.addLayout(header)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("tileScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grid_widget = QWidget(self.scroll_area)
        self.grid_widget.setObjectName("tileGrid")
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setSpacing(TILE_SPACING)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll_area.setWidget(self.grid_widget)
        layout.addWidget(self.scroll_area, 1)
        pages = QHBoxLayout()
        self.previous_button = self._nav_button("tilePreviousButton", _("‹ Previous"), _("The previous page of tiles"),
                                                lambda: self._open(self._category, self._page - 1))
        self.more_button = self._nav_button("tileMoreButton", _("More ›"), _("The next page of tiles"),
                                            lambda: self._open(self._category, self._page + 1))
        pages.addWidget(self.previous_button)
        pages.addStretch(1)
        pages.addWidget(self.more_button)
        layout.addLayout(pages)
        self.setMinimumWidth(TILE_SIZE.width() + 2 * TILE_SPACING + 24)

    def _nav_button(self, name: str, text: str, description: str, act: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # as the tiles: the search keeps the keyboard
        button.setAccessibleName(text.strip("‹› "))
        button.setAccessibleDescription(description)
        button.clicked.connect(act)
        button.hide()
        return button

    # -- what is shown -------------------------------------------------------------------------

    @property
    def built(self) -> bool:
        """The panel has read its tiles (it does just after its first paint, not before)."""
        return self._home is not None

    @property
    def category(self) -> str | None:
        """The category whose items are shown (None: the home page)."""
        return self._category

    def tiles(self) -> list[QPushButton]:
        """The tiles on screen, in order."""
        return list(self._buttons)

    def tile(self, text: str) -> QPushButton | None:
        """The tile on screen whose label, sku or category is `text`."""
        for shown, button in zip(self._shown, self.tiles(), strict=True):
            if text in (shown.label, shown.name.removeprefix("tile_"),
                        shown.name.removeprefix("tileCategory_")):
                return button
        return None

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """The tiles are read once the panel has first been painted (empty): the first frame of the
        till never waits for the tiles file or the catalogue look-ups."""
        super().paintEvent(event)
        if self._home is None and not self._filling:
            self._filling = True
            QTimer.singleShot(0, self._fill_home)

    def _fill_home(self) -> None:
        """The first paint's read, on the next turn: not once the till has closed meanwhile (its
        store may be closed by then; a flaky teardown race in the GUI tests)."""
        self._filling = False
        if self.isVisible():
            self.show_home()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self._shown and self._fitting_columns() != self._columns:
            self._lay_out()

    def show_home(self) -> None:
        if self._home is None:
            self._home = self._home_tiles()
        self._category, self._page = None, 0
        self.title.setText(_("Favourites"))
        self._show([self._home_tile(tile) for tile in self._home], more=False)

    def _home_tiles(self) -> list[Tile]:
        """The file's tiles that name an item or category the catalogue has; else a tile per category."""
        path = tiles_path(self._settings)
        categories = set(self._catalogue.categories())
        tiles = []
        for tile in read_tiles(path) if path is not None else []:
            known = tile.category in categories if tile.is_category else tile.sku in self._catalogue
            if known:
                tiles.append(tile)
            else:
                log.warning("tiles file %s: %s %r is not in the catalogue", path,
                            "category" if tile.is_category else "item", tile.category or tile.sku)
        return tiles or [Tile(category=name) for name in sorted(categories)]

    def _home_tile(self, tile: Tile) -> _Shown:
        if tile.is_category:
            label = tile.label or tile.category
            return _Shown(label, two_lines(label), partial(self._open, tile.category, 0),
                          f"tileCategory_{tile.category}", "category", _("Category {name}").format(name=label))
        item = self._catalogue.get(tile.sku)
        return self._item_tile(item, tile.label)

    def _item_tile(self, item, label: str = "") -> _Shown:
        name = label or item.name
        price = money_text(item.price, self._settings.locale)
        return _Shown(name, f"{two_lines(name)}\n{price}", partial(self._add_sku, item.sku), f"tile_{item.sku}",
                      "item", _("{name}, {price}").format(name=name, price=price))

    def _open(self, category: str | None, page: int) -> None:
        """A page of a category's items (by name), read only now: PAGE_TILES + 1 rows tell if there is more."""
        if category is None:
            self.show_home()
            return
        page = max(page, 0)
        items = self._catalogue.search("", category, limit=PAGE_TILES + 1, offset=page * PAGE_TILES)
        self._category, self._page = category, page
        self.title.setText(category if not page else _("{category} (page {page})").format(category=category,
                                                                                          page=page + 1))
        self._show([self._item_tile(item) for item in items[:PAGE_TILES]], more=len(items) > PAGE_TILES)

    # -- building the page ---------------------------------------------------------------------

    def _show(self, shown: list[_Shown], *, more: bool) -> None:
        for button in self._buttons:
            button.hide()
            button.setParent(None)  # gone from findChild at once (a page's tiles share names with the next's)
            button.deleteLater()
        self._shown = [*shown]
        self._buttons = [self._make_tile(entry) for entry in shown]
        self.back_button.setVisible(self._category is not None)
        self.previous_button.setVisible(self._category is not None and self._page > 0)
        self.more_button.setVisible(more)
        self._lay_out()
        self.scroll_area.verticalScrollBar().setValue(0)

    def _make_tile(self, entry: _Shown) -> QPushButton:
        button = QPushButton(entry.text, self.grid_widget)
        button.setObjectName(entry.name)
        button.setProperty("tile", entry.kind)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumSize(TILE_SIZE)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setAccessibleName(entry.spoken)
        button.setAccessibleDescription(_("Opens the category's items") if entry.kind == "category"
                                        else _("Adds one to the sale"))
        button.clicked.connect(lambda _checked=False, e=entry: self._on_tile_clicked(e))
        return button

    def _on_tile_clicked(self, entry: _Shown) -> None:
        entry.tap()
        self.tile_tapped.emit(entry.name)

    def _fitting_columns(self) -> int:
        width = self.scroll_area.viewport().width() or self.width()
        return max(1, (width - TILE_SPACING) // (TILE_SIZE.width() + TILE_SPACING))

    def _lay_out(self) -> None:
        self._columns = columns = self._fitting_columns()
        for number, button in enumerate(self.tiles()):
            self.grid.addWidget(button, number // columns, number % columns)
            button.show()
