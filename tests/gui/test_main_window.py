"""The till window driven with the keyboard alone: search, scan, cart keys, Charge state, doubt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from pos_app.config import TRAINING
from pos_app.qt.cart_model import CartColumn

pytestmark = pytest.mark.gui

OBJECT_NAMES = ["catalogueSearch", "categoryFilter", "catalogueTable", "cartTable", "subtotalLabel", "taxLabel",
                "totalLabel", "chargeButton", "modeBadge", "doubtBanner"]


def lines(window) -> dict[str, int]:
    return dict(window.local.carts.snapshot().lines)


def test_every_documented_widget_is_found_by_object_name(window):
    for name in OBJECT_NAMES:
        assert window.findChild(QWidget, name) is not None, name


def test_training_mode_is_visible(window):
    badge = window.findChild(QLabel, "modeBadge")
    assert window.local.mode == TRAINING
    assert badge.isVisible() and badge.text() == "TRAINING"
    assert "TRAINING" in window.status_mode.text()
    assert window.payments.endpoint.url in window.status_endpoint.text()


def test_focus_starts_in_search_and_typing_then_enter_adds_the_first_match(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "croiss")
    table = window.findChild(QTableView, "catalogueTable")
    assert table.model().rowCount() == 1
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert lines(window) == {"croissant": 1}
    assert window.findChild(QLabel, "totalLabel").text() == "$2.40"
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Enter again: one more
    assert lines(window) == {"croissant": 2}


def test_a_scanned_barcode_adds_its_item_and_clears_the_field(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "5012345600017")  # a scanner types digits, then Enter
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.keyClicks(search, "5012345600017")
    qtbot.keyClick(search, Qt.Key.Key_Enter)
    assert lines(window) == {"espresso": 2}
    assert search.text() == ""


def test_an_unknown_barcode_adds_nothing_and_says_so(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "9999999999999")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert lines(window) == {}
    assert window.message_label.isVisible() and window.message_label.text() == "Unknown barcode 9999999999999"


def test_down_moves_into_the_list_where_enter_adds_the_highlighted_item(qtbot, window):
    search = window.findChild(QLineEdit, "catalogueSearch")
    table = window.findChild(QTableView, "catalogueTable")
    qtbot.keyClicks(search, "tea")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = table.model().item_at(1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert lines(window) == {second.sku: 1}
    qtbot.keyClicks(table, "x")  # typing in the list goes back to the search
    assert QApplication.focusWidget() is search and search.text().endswith("x")


def test_category_filter_narrows_the_list(qtbot, window):
    window.category.setCurrentIndex(window.category.findText("Bakery"))
    model = window.catalogue_model
    assert model.rowCount() > 0
    assert {model.item_at(r).category for r in range(model.rowCount())} == {"Bakery"}


def test_cart_keys_change_quantity_and_remove_lines(qtbot, window):
    carts = window.local.carts
    carts.add("latte")
    carts.add("mocha")
    qtbot.waitUntil(lambda: window.cart_model.rowCount() == 2)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    cart = window.findChild(QTableView, "cartTable")
    assert QApplication.focusWidget() is cart and cart.currentIndex().row() == 0
    qtbot.keyClick(cart, Qt.Key.Key_Plus)
    qtbot.keyClick(cart, Qt.Key.Key_Plus)
    assert lines(window) == {"latte": 3, "mocha": 1}
    qtbot.keyClick(cart, Qt.Key.Key_Minus)
    assert lines(window) == {"latte": 2, "mocha": 1}
    qtbot.keyClick(cart, Qt.Key.Key_Down)
    qtbot.keyClick(cart, Qt.Key.Key_Delete)
    assert lines(window) == {"latte": 2}
    assert window.findChild(QLabel, "subtotalLabel").text() == "$8.00"
    assert window.findChild(QLabel, "taxLabel").text() == "$0.00"


def test_typing_a_quantity_in_the_cart_sets_it(qtbot, window):
    window.local.carts.add("latte")
    qtbot.waitUntil(lambda: window.cart_model.rowCount() == 1)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    cart = window.findChild(QTableView, "cartTable")
    assert cart.currentIndex().column() == CartColumn.QTY
    qtbot.keyClicks(cart, "7")  # starts the editor with "7"
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on a queued call
    qtbot.waitUntil(lambda: lines(window) == {"latte": 7})


def test_charge_is_disabled_for_an_empty_cart(qtbot, window):
    charge = window.findChild(QPushButton, "chargeButton")
    assert not charge.isEnabled()
    window.local.carts.add("latte")
    qtbot.waitUntil(charge.isEnabled)
    assert "F12" in charge.text() and "Ctrl+Enter" in charge.toolTip()


def test_changes_from_another_thread_reach_the_window(qtbot, window):
    import threading

    thread = threading.Thread(target=lambda: window.local.carts.add("cookie", 3))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: window.findChild(QLabel, "totalLabel").text() == "$5.70")


def test_a_payment_in_doubt_shows_the_banner_and_blocks_charge(qtbot, window):
    carts = window.local.carts
    carts.add("latte")
    carts.set_in_doubt(True)
    banner = window.findChild(QFrame, "doubtBanner")
    qtbot.waitUntil(banner.isVisible)
    assert not window.findChild(QPushButton, "chargeButton").isEnabled()
    # Retry check: reconcile (on the worker) finds nothing open, so the doubt is lifted.
    with qtbot.waitSignal(window.reconcile_finished, timeout=10000):
        qtbot.mouseClick(window.doubt_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert window.findChild(QPushButton, "chargeButton").isEnabled()
    assert window.status_gateway.text() == "Gateway: OK"


def test_the_cart_is_restored_on_restart(pos):
    pos.add("latte", qty=2)
    pos.add("brownie")
    uuid = pos.local.carts.uuid
    pos.restart()
    assert list(pos.cart().items()) == [("latte", 2), ("brownie", 1)]  # the lines in their order
    assert pos.local.carts.uuid == uuid
    assert pos.total_text() == "$10.80"


# -- keystrokes stay cheap: scanner bursts coalesce, tables never size to their contents -------


def count_searches(monkeypatch, window) -> list[str]:
    """The texts the window asked the catalogue store to search, in order."""
    catalogue, calls = window.local.store.catalogue, []
    search = catalogue.search

    def counted(text="", *args, **kwargs):
        calls.append(text)
        return search(text, *args, **kwargs)

    monkeypatch.setattr(catalogue, "search", counted)
    return calls


def test_a_burst_of_digits_runs_one_search_on_the_next_loop_turn(qtbot, monkeypatch, window):
    calls = count_searches(monkeypatch, window)
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "50123456")  # 8 key events before the event loop runs again
    assert calls == []
    qtbot.waitUntil(lambda: window.catalogue_model.query[0] == "50123456")
    assert calls == ["50123456"]


def test_a_scan_adds_at_once_and_lists_everything_again_after(qtbot, monkeypatch, window):
    calls = count_searches(monkeypatch, window)
    search = window.findChild(QLineEdit, "catalogueSearch")
    qtbot.keyClicks(search, "tea")  # the list shows the teas
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "5012345600017")  # the scanner's digits replace the text
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert lines(window) == {"espresso": 1} and search.text() == ""
    assert calls == ["t", "te", "tea"]  # neither the digits nor the cleared field searched in the key events
    qtbot.waitUntil(lambda: window.catalogue_model.query == ("", None))
    assert calls == ["t", "te", "tea", ""]  # one search, for the whole list again
    assert window.catalogue_model.rowCount() > 3


def test_typed_words_are_searched_at_once(qtbot, monkeypatch, window):
    calls = count_searches(monkeypatch, window)
    qtbot.keyClicks(window.search, "tea")
    assert calls == ["t", "te", "tea"]


def test_down_after_digits_moves_into_the_list_for_those_digits(qtbot, window):
    qtbot.keyClicks(window.search, "50123456000")  # a partial barcode: the espresso's and others
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.catalogue_model.query[0] == "50123456000"
    assert QApplication.focusWidget() is window.catalogue_table
    assert window.catalogue_table.currentIndex().row() == 0


def test_tables_have_fixed_columns_and_a_stretching_name(window):
    from PySide6.QtWidgets import QHeaderView

    from pos_app.qt.catalogue_model import CatalogueColumn

    for table, name in ((window.catalogue_table, CatalogueColumn.NAME), (window.cart_table, CartColumn.NAME)):
        header = table.horizontalHeader()
        modes = [header.sectionResizeMode(c) for c in range(header.count())]
        assert QHeaderView.ResizeMode.ResizeToContents not in modes
        assert modes[name] == QHeaderView.ResizeMode.Stretch
        # A column ReadableColumns hid for the name's sake (a narrow window) has no width to check.
        assert all(header.sectionSize(c) >= 40 for c in range(header.count()) if not table.isColumnHidden(c))


def test_a_long_price_fits_its_column(qtbot, window):
    from pos_app.domain import Money
    from pos_app.qt.catalogue_model import CatalogueColumn
    from pos_app.qt.money_text import money_text

    table = window.catalogue_table
    text = money_text(Money(99_999, "usd"))  # $999.99
    width = table.fontMetrics().horizontalAdvance(text)
    assert table.horizontalHeader().sectionSize(CatalogueColumn.PRICE) > width


# -- the window before the payments are up (run_gui shows it first) -------------------------------


def test_before_the_payments_are_up_the_cart_works_but_charge_waits(qtbot, early_window, opened_core):
    window = early_window
    assert not opened_core.ready and not window.services_ready
    assert "starting payments" in window.status_gateway.text()
    qtbot.keyClicks(window.search, "5012345600017")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert lines(window) == {"espresso": 1}
    charge = window.findChild(QPushButton, "chargeButton")
    assert not charge.isEnabled() and "starting payments" in charge.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.payment_dialog is None and "still starting" in window.message_label.text()
    assert window.open_history() is None  # refunds need the gateway: not yet


def test_services_started_enables_charge_and_runs_the_wanted_reconcile(qtbot, early_window, opened_core):
    window = early_window
    window.local.carts.add("latte")
    qtbot.waitUntil(lambda: window.cart_model.rowCount() == 1)
    payments = opened_core.start_services()
    with qtbot.waitSignal(window.reconcile_finished, timeout=10000), qtbot.waitSignal(window.payments_ready):
        window.services_started(payments)
    assert window.services_ready
    assert opened_core.url in window.status_endpoint.text()
    qtbot.waitUntil(window.findChild(QPushButton, "chargeButton").isEnabled)
    assert window.status_gateway.text() == "Gateway: OK"


def test_services_that_fail_to_start_are_reported_and_charge_stays_off(qtbot, early_window):
    window = early_window
    window.local.carts.add("latte")
    window.services_failed(OSError("address already in use"))
    assert "Card payments could not be started" in window.message_label.text()
    assert window.status_gateway.text() == "Gateway: unreachable"
    assert not window.findChild(QPushButton, "chargeButton").isEnabled()


def test_the_hint_says_when_a_search_matches_more_than_it_can_list(qtbot, pos):
    from PySide6.QtWidgets import QLabel

    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    from pos_app.store.catalogue import SEARCH_CAP
    catalogue = pos.window.local.store.catalogue
    catalogue.upsert(Item(f"w{n:05d}", f"Widget {n:05d}", Money(100, "usd")) for n in range(SEARCH_CAP + 10))
    hint = pos.window.findChild(QLabel, "catalogueHint")

    pos.search("widget")
    assert hint.text() == f"More than {SEARCH_CAP:,} items match: keep typing to narrow the list"
    pos.search("widget 0001")  # 10 matches: the usual hint again
    assert hint.text().startswith("Enter adds")


def test_a_window_over_the_local_context_alone_sells_nothing_until_handed_payments(qtbot, opened_core):
    from pos_app.qt.main_window import MainWindow

    window = MainWindow(opened_core.open())  # no PaymentsContext: nothing to charge with
    qtbot.addWidget(window)
    window.local.carts.add("latte")
    window.charge()
    assert window.payment_dialog is None and not window.queue.busy and window.payments is None
    assert opened_core.open().store.ledger.all() == []  # no PaymentIntent was asked for
    assert window.open_history() is None and window.open_report() is None
    window.clear_cart()  # a void before payments: nothing to cancel, and nothing breaks
    assert window.local.carts.snapshot().empty
    window.shutdown()
