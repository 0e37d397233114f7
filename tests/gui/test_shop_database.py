"""The till says at once when its shop database (a real PostgreSQL server of the test's own) goes
away, refuses what needs it with the same words, and says so again when it is back."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QLabel

from pos_app.store.pg_link import unavailable_text
from pos_app.testing.plugin import training_settings

pytestmark = pytest.mark.gui


@pytest.fixture
def server(crashable_postgres_server):
    return crashable_postgres_server


@pytest.fixture
def pos_config(tmp_path, server):
    """The tester kit's till, on a shop database of this server."""
    return training_settings(tmp_path / "pos-data", database_url=server.create_database("gui_down"))


def test_the_window_says_when_the_shop_database_is_away_and_when_it_is_back(qtbot, pos_window, server):
    window = pos_window
    label = window.findChild(QLabel, "statusDatabase")
    assert label is not None and label.text() == "Shop database: OK"
    assert window._add_sku("item1")

    server.stop_immediately()
    stopped = time.monotonic()
    qtbot.waitUntil(lambda: label.text() == "Shop database: unreachable", timeout=5000)  # no cashier action
    assert time.monotonic() - stopped < 5
    assert label.property("healthy") is False and label.toolTip() == unavailable_text()
    assert window.message_label.isVisible() and window.message_label.text() == unavailable_text()

    started = time.monotonic()
    assert not window._add_sku("item2")  # refused, in the till's words, without waiting on the network
    assert time.monotonic() - started < 0.5
    assert window.message_label.text() == unavailable_text()
    assert window.cart_model.rowCount() == 1  # the cart shown stays as it was
    window._update_actions()  # what every cart or charge change runs: the tenders can't be read now
    assert not window.tenders.cash_button.isEnabled()
    window.charge()  # refused on the worker, in the same words (nothing reaches the card processor)
    qtbot.waitUntil(lambda: unavailable_text() in window.message_label.text(), timeout=5000)
    assert window.payment_dialog is None
    window.search.setText("Cappuc")
    window.catalogue._run_search()  # what typing runs: the search is on the till's copy of the catalogue
    model = window.catalogue_model
    assert [model.item_at(row).sku for row in range(model.rowCount())] == ["cappuccino"]
    assert unavailable_text() in window.message_label.text()  # still said
    assert not window._add_sku("cappuccino")  # found, but the sale needs the shop's price: refused
    assert window.message_label.text() == unavailable_text()

    with qtbot.waitSignal(window.reconcile_finished, timeout=15000):  # what went unrecorded is recorded now
        server.start_again()
        qtbot.waitUntil(lambda: label.text() == "Shop database: OK", timeout=10000)
    assert label.property("healthy") is True
    assert window.message_label.text() == "The shop database is back: selling goes on."
    qtbot.waitUntil(lambda: window._add_sku("item2"), timeout=5000)
    assert window.cart_model.rowCount() == 2
