"""CataloguePane: the till's catalogue side (search field, category filter, hint and the list).

Typing filters the list (one page per search, CatalogueModel), a scanned barcode adds its item
(ScannerInput), Enter or a double click adds the highlighted item through `add_sku`, the window's.
The hint says when a query matches more items than a search lists (CatalogueStore.SEARCH_CAP).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QLineEdit, QTableView, QWidget

from pos_app.domain import Money
from pos_app.i18n import N_, _
from pos_app.qt.catalogue_model import PAGE_SIZE, CatalogueColumn, CatalogueModel
from pos_app.qt.forms import child
from pos_app.qt.money_text import money_text
from pos_app.qt.scanner_input import ScannerInput
from pos_app.qt.style import set_style_property
from pos_app.qt.tables import setup_fixed_columns
from pos_app.store.catalogue import SEARCH_CAP
from pos_app.store.faults import StoreError

ALL_CATEGORIES = N_("All categories")
CATALOGUE_HINT = N_("Enter adds · ↓ into the list · F1 every key")  # the keys: F1 (qt/till_actions.py)


class CataloguePane(QObject):
    """Over the till form's catalogueSearch, categoryFilter, catalogueHint and catalogueTable."""

    unknown_barcode = Signal(str)  # a scanned code that is no item's barcode (the error is shown)

    def __init__(self, form: QWidget, catalogue, settings, add_sku: Callable[[str], bool],
                 show_error: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue, self._add_sku, self._show_error = catalogue, add_sku, show_error
        self.search: QLineEdit = child(form, QLineEdit, "catalogueSearch")
        self.hint: QLabel = child(form, QLabel, "catalogueHint")
        self.category: QComboBox = child(form, QComboBox, "categoryFilter")
        self.table: QTableView = child(form, QTableView, "catalogueTable")
        self.model = CatalogueModel(catalogue, settings.locale, self)

        categories = catalogue.categories()
        self.category.addItem(_(ALL_CATEGORIES), None)
        for name in categories:
            self.category.addItem(name, name)
        setup_fixed_columns(self.table, self.model, stretch=CatalogueColumn.NAME, samples={
            CatalogueColumn.CATEGORY: max(categories, key=len, default=""), CatalogueColumn.SKU: "MMM-00000000",
            CatalogueColumn.PRICE: money_text(Money(999_999, settings.currency), settings.locale)})
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda index: self.add_row(index.row()))
        self.model.modelReset.connect(self.select_first_row)
        self.scanner = ScannerInput(self.search, self._run_search, self._scan_barcode, self._on_scanner_entered, self)
        self.category.currentIndexChanged.connect(self._on_category_changed)
        self.select_first_row()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_row(self, row: int) -> bool:
        item = self.model.item_at(row)
        return item is not None and self._add_sku(item.sku)

    def select_first_row(self) -> None:
        if self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.scrollToTop()

    def _run_search(self) -> None:
        """Show the list for the field's text (ScannerInput decides when)."""
        text, category = self.search.text(), self.category.currentData()
        try:
            self.model.set_query(text, category)
            self._update_hint(text.strip(), category)
        except StoreError as exc:  # the shop database away: the list shown stays usable
            self._show_error(str(exc))

    def _update_hint(self, text: str, category) -> None:
        capped = (bool(text) and self.model.rowCount() >= PAGE_SIZE
                  and self._catalogue.match_count(text, category) > SEARCH_CAP)
        self.hint.setText(_("More than {count} items match: keep typing to narrow the list").format(
            count=f"{SEARCH_CAP:,}") if capped else _(CATALOGUE_HINT))
        set_style_property(self.hint, "capped", capped)  # the [capped] style rule

    def _on_category_changed(self, _index: int) -> None:
        self.scanner.search_now()

    def _scan_barcode(self, code: str) -> bool | None:
        item = self._catalogue.by_barcode(code)
        if item is not None:
            return self._add_sku(item.sku)
        if code in self._catalogue:
            return None  # an all-digit sku typed: Enter adds it from the list as for any text
        # A scan that is no item: say so and add nothing (the list could hold a near miss, which
        # Enter would add); the code stays, selected, so the next scan replaces it.
        self._show_error(_("Unknown barcode {code}").format(code=code))
        self.search.selectAll()
        self.unknown_barcode.emit(code)
        return False

    def _on_scanner_entered(self, text: str) -> None:
        """Enter on typed text: add the highlighted item (the first if none is)."""
        row = self.table.currentIndex().row()
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row < 0:
            self._show_error(_("no item matches {text}").format(text=repr(text)) if text
                             else _("the catalogue is empty"))
            return
        if self.add_row(row):
            self.search.selectAll()  # typing replaces the text; Enter again adds one more
