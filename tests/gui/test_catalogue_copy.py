"""The status bar says while a till's copy of the shop's catalogue is first made, how far it has got, and then goes.

A real shop database (PostgreSQL) with the demo catalogue and a real copy; the copy is made on a
thread of the test's, as the copy's own thread makes it.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QStatusBar

from pos_app.domain.pricing import PricingPolicy
from pos_app.qt.catalogue_copy import CatalogueCopyStatus
from pos_app.store import catalogue_replica, open_store
from pos_app.store.catalogue_replica import CatalogueReplica

pytestmark = pytest.mark.gui


def test_the_copy_is_shown_while_made_with_its_progress_then_goes(qtbot, shop_database_url, tmp_path, monkeypatch):
    open_store(shop_database_url, PricingPolicy(), seed_demo=True).close()  # 46 items
    monkeypatch.setattr(catalogue_replica, "CHUNK_ROWS", 10)
    replica = CatalogueReplica(tmp_path / "copy.sqlite3", shop_database_url, "usd")
    bar = QStatusBar()
    qtbot.addWidget(bar)
    status = CatalogueCopyStatus(replica, bar)
    assert not status.label.isHidden() and status.label.text() == "Catalogue: copying for the search…"

    # The copy is held before its second page (a wrapper of the page write: the only way to stop it there).
    first_page, go_on = threading.Event(), threading.Event()
    write, pages = replica._write, []

    def write_and_hold(rows, *, indexed):
        pages.append(len(rows))
        if len(pages) == 2:
            first_page.set()
            go_on.wait(10)
        write(rows, indexed=indexed)

    replica._write = write_and_hold
    copying = threading.Thread(target=replica.catch_up)
    copying.start()
    try:
        assert first_page.wait(10)
        qtbot.waitUntil(lambda: status.label.text() == "Catalogue: copying for the search, 21%", timeout=3000)
    finally:
        go_on.set()
        copying.join(10)
    qtbot.waitUntil(status.label.isHidden, timeout=3000)
    assert replica.ready
    replica.close()
