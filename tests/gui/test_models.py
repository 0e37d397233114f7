"""The Qt models: qtmodeltester, paging over the store, the cart's row changes and edits."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex, Qt

from pos_app.domain import Item, Money
from pos_app.qt.cart_model import QTY_ROLE, SKU_ROLE, CartColumn, CartModel
from pos_app.qt.catalogue_model import PAGE_SIZE, CatalogueColumn, CatalogueModel
from pos_app.store import open_store

pytestmark = pytest.mark.gui


@pytest.fixture
def store(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.database_path, settings.pricing, seed_demo=True)
    yield store
    store.close()


def many_items(count: int) -> list[Item]:
    return [Item(sku=f"sku-{n:06d}", name=f"Product {n:06d}", price=Money(100 + n % 900, "usd"),
                 category=f"Aisle {n % 20}", barcode=f"{9_000_000_000_000 + n}") for n in range(count)]


def test_catalogue_model_passes_the_model_tester(qtmodeltester, store):
    model = CatalogueModel(store.catalogue)
    qtmodeltester.check(model)
    model.set_query("lat")
    qtmodeltester.check(model)
    assert model.rowCount() > 0


def test_cart_model_passes_the_model_tester(qtmodeltester, store):
    store.carts.add("latte", 2)
    store.carts.add("croissant")
    model = CartModel(store.carts)
    qtmodeltester.check(model)
    model.set_snapshot(store.carts.add("espresso"))  # an insert
    model.set_snapshot(store.carts.remove("latte"))  # a removal
    model.set_snapshot(store.carts.replace({"mocha": 1}))  # a reset
    qtmodeltester.check(model)


def test_catalogue_searches_by_name_sku_and_barcode(store):
    model = CatalogueModel(store.catalogue)
    model.set_query("croiss")
    assert [model.data(model.index(r, CatalogueColumn.SKU)) for r in range(model.rowCount())] == ["croissant"]
    model.set_query("5012345600017")  # espresso's barcode
    assert model.item_at(0).sku == "espresso" and model.rowCount() == 1
    model.set_query("", "Tea")
    assert model.rowCount() > 0
    assert {model.item_at(r).category for r in range(model.rowCount())} == {"Tea"}


def test_catalogue_pages_through_100k_items_without_loading_them_all(qtmodeltester, store):
    store.catalogue.upsert(many_items(100_000))
    model = CatalogueModel(store.catalogue)
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    qtmodeltester.check(model)  # (fetches more pages itself)

    # Each keystroke is one indexed query of one page: typing a whole word stays well under
    # what a cashier would notice, even on a slow CI machine.
    # (A model the tester is not watching: QAbstractItemModelTester runs its checks, which
    # fetch more rows, before it notes that a reset ended.)
    model = CatalogueModel(store.catalogue)
    worst = 0.0
    for text in ("P", "Pr", "Pro", "Prod", "Produc", "Product 0999", "Product 099999"):
        start = time.perf_counter()
        model.set_query(text)
        worst = max(worst, time.perf_counter() - start)
    assert model.rowCount() == 1 and model.item_at(0).sku == "sku-099999"
    assert worst < 0.25, f"a keystroke took {worst * 1000:.0f} ms"


def test_cart_model_shows_lines_and_edits_quantity(store):
    store.carts.add("latte", 2)
    model = CartModel(store.carts, "en_US")
    assert model.data(model.index(0, CartColumn.NAME)) == "Caffè Latte"
    assert model.data(model.index(0, CartColumn.UNIT_PRICE)) == "$4.00"
    assert model.data(model.index(0, CartColumn.LINE_TOTAL)) == "$8.00"
    assert model.data(model.index(0, CartColumn.NAME), SKU_ROLE) == "latte"
    assert model.flags(model.index(0, CartColumn.QTY)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, CartColumn.NAME)) & Qt.ItemFlag.ItemIsEditable

    assert model.setData(model.index(0, CartColumn.QTY), 5)
    assert store.carts.snapshot().lines == {"latte": 5}
    assert model.data(model.index(0, CartColumn.QTY), QTY_ROLE) == 5
    assert model.change_qty(0, -1) and store.carts.snapshot().lines == {"latte": 4}
    assert model.remove_row(0) and model.rowCount() == 0


def test_cart_model_reports_refused_edits(qtbot, store):
    store.carts.add("latte")
    store.carts.set_frozen(True)
    model = CartModel(store.carts)
    assert not model.flags(model.index(0, CartColumn.QTY)) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.error_occurred) as blocker:
        assert not model.setData(model.index(0, CartColumn.QTY), 3)
    assert "payment is in progress" in blocker.args[0]
    assert store.carts.snapshot().lines == {"latte": 1}


@pytest.mark.parametrize("value, message", [
    (2.5, "whole number"), ("two", "whole number"), (True, "whole number"), (-1, "0 to 9999"), (10_000, "0 to 9999"),
])
def test_cart_model_refuses_a_bad_quantity_and_keeps_the_line(qtbot, store, value, message):
    store.carts.add("latte", 2)
    model = CartModel(store.carts)
    with qtbot.waitSignal(model.error_occurred) as blocker:
        assert not model.setData(model.index(0, CartColumn.QTY), value)
    assert message in blocker.args[0]
    assert store.carts.snapshot().lines == {"latte": 2}


def test_cart_model_takes_a_typed_quantity(store):
    store.carts.add("latte")
    model = CartModel(store.carts)
    assert model.setData(model.index(0, CartColumn.QTY), " 3 ")
    assert store.carts.snapshot().lines == {"latte": 3}


def test_cart_model_keeps_rows_on_quantity_change(qtbot, store):
    store.carts.add("latte")
    store.carts.add("mocha")
    model = CartModel(store.carts)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_snapshot(store.carts.set_qty("mocha", 3))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted):
        model.set_snapshot(store.carts.add("espresso"))
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved):
        model.set_snapshot(store.carts.remove("latte"))
    assert [model.sku_at(r) for r in range(model.rowCount())] == ["mocha", "espresso"]



def test_a_1000_line_cart_changes_one_row_at_a_time(qtbot, qtmodeltester, store):
    store.catalogue.upsert(many_items(1_000))
    store.carts.replace({f"sku-{n:06d}": 1 for n in range(1_000)})
    model = CartModel(store.carts)
    qtmodeltester.check(model)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged) as changed:
        model.set_snapshot(store.carts.set_qty("sku-000500", 4))
    assert changed.args[0].row() == changed.args[1].row() == 500  # that line, not the cart
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted) as inserted:
        model.set_snapshot(store.carts.add("latte"))
    assert inserted.args[1:] == [1_000, 1_000] and model.row_of("latte") == 1_000
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved) as removed:
        model.set_snapshot(store.carts.remove("sku-000007"))
    assert removed.args[1:] == [7, 7] and model.row_of("latte") == 999 and model.row_of("sku-000007") == -1


def test_a_snapshot_of_the_revision_shown_changes_nothing(qtbot, store):
    store.carts.add("latte")
    model = CartModel(store.carts)
    again = store.carts.snapshot()  # what the service's listener delivers after the window's own change
    with qtbot.assertNotEmitted(model.dataChanged), qtbot.assertNotEmitted(model.modelReset), \
            qtbot.assertNotEmitted(model.layoutChanged):
        model.set_snapshot(again)
    store.carts.set_frozen(True)  # the same lines, now locked: the flags are shown
    with qtbot.waitSignal(model.dataChanged):
        model.set_snapshot(store.carts.snapshot())
    assert not model.flags(model.index(0, CartColumn.QTY)) & Qt.ItemFlag.ItemIsEditable


def test_prices_are_formatted_once_per_amount(monkeypatch, store):
    from pos_app.qt import money_text

    money_text.money_text.cache_clear()
    calls = []
    real = money_text.format_money
    monkeypatch.setattr(money_text, "format_money", lambda m, loc: calls.append(m) or real(m, loc))
    model = CatalogueModel(store.catalogue)
    column = CatalogueColumn.PRICE
    first = [model.data(model.index(r, column)) for r in range(model.rowCount())]
    assert [model.data(model.index(r, column)) for r in range(model.rowCount())] == first  # a repaint
    assert len(calls) == len({model.item_at(r).price for r in range(model.rowCount())})


def test_none_survives_many_void_qt_calls():
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per void call and the interpreter
    aborted within a few thousand calls (pyproject excludes it); run in a child so an abort is a failure,
    not a dead test run."""
    import subprocess
    import sys

    code = ("import os, sys\nos.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from PySide6.QtWidgets import QApplication, QLabel\n"
            "app = QApplication([])\nlabel = QLabel()\nbefore = sys.getrefcount(None)\n"
            "for _ in range(20_000):\n    label.setText('x')\n"
            "print(sys.getrefcount(None) - before)")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr[-500:]
    assert abs(int(child.stdout.strip())) < 1000  # None's count did not drain
