"""The till in German (POS_LOCALE=de_DE): the .ui forms through the gettext QTranslator, Qt's own
buttons through qtbase_de.qm, and no English left on the window or its dialogs.

The last test is the net for texts nobody wrapped in `_()`: it builds the window and opens its
dialogs in English and in German and fails on any visible text that is the same in both and
still reads as English words.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox, QDialogButtonBox,
                               QLabel, QLineEdit, QTableWidget, QTextEdit, QWidget)

from pos_app import i18n
from pos_app.qt.tiles_file import read_tiles, tiles_path
from pos_app.qt.translator import remove_translators, use_language

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def german(qapp):
    """The till's language is German for this test (gettext and Qt's translators), English after it."""
    installed = use_language(qapp, "de_DE")
    yield
    remove_translators(qapp, installed)
    i18n.use_locale("en_US")


def test_a_form_loaded_by_quiloader_is_in_german(german, window):
    assert window.doubt_retry.text() == "Erneut prüfen"  # ui/main_window.ui, through GettextTranslator
    assert window.clear_button.text().startswith("Warenkorb leeren\n")  # qt/till_actions.py, then its keys
    assert window.cart_model.headerData(0, Qt.Orientation.Horizontal) == "Artikel"  # qt/cart_model.py, gettext


def test_qts_own_standard_buttons_are_in_german(german, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"


def test_qts_own_key_names_are_qts_words_not_the_catalogues(german):
    """QShortcut asks for "Shift" (a key); the catalogue's "Shift" is the till's work shift ("Schicht")."""
    assert QKeySequence("Ctrl+Shift+Z").toString(QKeySequence.SequenceFormat.NativeText) == "Strg+Umschalt+Z"


def test_no_form_class_looks_like_a_qt_context():
    """GettextTranslator leaves every Q... context to Qt: a form class named so would go untranslated."""
    classes = {ET.parse(form).findtext("class") for form in (ROOT / "ui").glob("*.ui")}
    assert classes and not {name for name in classes if name.startswith("Q")}


def test_without_a_translator_the_forms_stay_english(window):
    assert window.doubt_retry.text() == "Retry check"


# -- every visible text, in English and in German -------------------------------------------------

#: Words that are the same in English and German on purpose: key names, brands, formats, the app's name.
SAME_IN_BOTH = {
    "esc", "enter", "ctrl", "shift", "alt", "tab", "del", "pdf", "csv", "ok", "pos", "app", "stripe", "pin",
    "visa", "mastercard", "amex", "sku", "test", "training", "status", "journal", "float", "total",
}
WORD = re.compile(r"[A-Za-z]{3,}")


def _looks_english(text: str, allowed: set[str]) -> bool:
    text = " ".join(text.split())  # a tile breaks a long name over two lines
    for token in sorted(allowed, key=len, reverse=True):
        text = text.replace(token, " ")
    return any(word.lower() not in SAME_IN_BOTH for word in WORD.findall(text))


def _header_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    return [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]


def visible_texts() -> dict[str, str]:
    """(where, what) -> text of every top-level window's widgets: texts, titles, tooltips,
    placeholders, combo items and table headers."""
    texts: dict[str, str] = {}
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for index, widget in enumerate([top, *top.findChildren(QWidget)]):
            where = f"{top.objectName()}/{widget.objectName() or type(widget).__name__ + str(index)}"
            found = {"windowTitle": widget.windowTitle() if widget.isWindow() else "", "toolTip": widget.toolTip()}
            if isinstance(widget, (QLabel, QAbstractButton)):
                found["text"] = widget.text()
            if isinstance(widget, QLineEdit):
                found["placeholder"] = widget.placeholderText()
            if isinstance(widget, QComboBox):
                found.update({f"item{i}": widget.itemText(i) for i in range(widget.count())})
            if isinstance(widget, QTextEdit):  # receipts and reports: each line, keyed by itself (lines move)
                found.update({f"line {line}": line for line in widget.toPlainText().splitlines()})
            if isinstance(widget, QTableWidget):
                found.update({f"header{c}": widget.horizontalHeaderItem(c).text()
                              for c in range(widget.columnCount()) if widget.horizontalHeaderItem(c)})
            elif isinstance(widget, QAbstractItemView):
                found.update({f"header{c}": text for c, text in enumerate(_header_texts(widget))})
            texts.update({f"{where}.{what}": text for what, text in found.items() if text and text.strip()})
    return texts


def _sell_for_cash(qtbot, window) -> None:
    """A sale paid in cash (the exact amount), so the history shows a receipt and the report counts it."""
    window.terms.add_sku("brownie")
    cash = window.tenders.open_cash()
    QTest.keyClick(cash.tendered, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cash.taken is not None, timeout=10_000)
    cash.accept()


def _open_dialogs(qtbot, window) -> None:
    _sell_for_cash(qtbot, window)
    window.search.setText("latte")
    window.terms.add_sku("latte")
    window.tenders.open_cash()
    window.terms.open_discount()
    from pos_app.qt.approval_dialog import ApprovalDialog
    from pos_app.qt.parking_controls import ParkingControls
    parking = window.findChild(ParkingControls)
    parking.open_park()
    parking.open_recall()
    ApprovalDialog(i18n._("clear the cart"), window).show()
    history = window.open_history()
    qtbot.waitUntil(lambda: history.isVisible() and history.model.rowCount() > 0)
    history.table.selectRow(0)  # its receipt in the details pane
    report = history.open_report()
    qtbot.waitUntil(lambda: report.report is not None, timeout=15_000)
    assert history.open_refund() is not None
    history.open_shift()
    window.charge()  # the payment dialog (its form; the card page inside is the web page's own)
    qtbot.waitUntil(lambda: window.payment_dialog is not None, timeout=15_000)


def _texts_in(locale: str, qapp, qtbot, core) -> dict[str, str]:
    from pos_app.testing.till import close_till, open_till

    installed = use_language(qapp, locale)
    try:
        window = open_till(qtbot, core)
        _open_dialogs(qtbot, window)
        qtbot.wait(50)
        texts = visible_texts()
        for top in QApplication.topLevelWidgets():
            if top is not window and top.isVisible():
                top.close()
        close_till(qtbot, window)
        return texts
    finally:
        remove_translators(qapp, installed)
        i18n.use_locale("en_US")


@pytest.mark.slow
def test_no_english_is_left_in_german(qapp, qtbot, core):
    english = _texts_in("en_US", qapp, qtbot, core)
    german = _texts_in("de_DE", qapp, qtbot, core)
    items = core.local.store.catalogue.search("", None, limit=500)  # the shop's own words: names, categories
    allowed = {item.name for item in items} | {item.category for item in items if item.category} | {
        item.sku for item in items}
    allowed |= {core.settings.shop_name, "Demo Manager", "Demo Cashier", "pos-app", core.settings.terminal_id}
    tiles_file = tiles_path(core.settings)  # the shop's own tile labels ("Misc") are its words too
    allowed |= {tile.label for tile in (read_tiles(tiles_file) if tiles_file else []) if tile.label}
    untranslated = {where: text for where, text in english.items()
                    if german.get(where) == text and _looks_english(text, allowed)}
    dialogs = {where.split("/")[0] for where in german}
    assert any("Zwischensumme" in text for where, text in german.items() if where.startswith("historyWindow"))
    assert {"mainWindow", "cashDialog", "discountDialog", "parkDialog", "historyWindow", "reportDialog",
            "shiftDialog", "paymentDialog", "refundDialog", "approvalDialog", "parkedDialog"} <= dialogs, dialogs
    assert len(english) > 100 and len(german) > 100
    assert not untranslated, f"the same English in both languages (wrap it in _()): {untranslated}"
