"""A till's local copy of the shop's catalogue (store/catalogue_replica.py): SQLite's search, following the shop.

Real tills: stores opened on one real PostgreSQL shop database, each with its copy in a folder of
its own, as AppCore opens a selling till's. Nothing is mocked.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import psycopg
import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from pos_app.store.catalogue_import import import_items
from pos_app.store import catalogue_replica
from pos_app.store.catalogue_replica import CatalogueReplica
from pos_app.store.pg_search_index import write_search_rows

from tests.integration.postgres.test_pg_search import CATALOGUE, FIXED

WAIT_S = 15


def _item(sku: str, name: str, price: int = 100, **more) -> Item:
    return Item(sku=sku, name=name, price=Money(price, "usd"), **more)


def _till(url: str, folder, number: int = 1, **more):
    return open_store(url, PricingPolicy(), till=f"till-{number}", receipt_series=f"T{number:02d}", claim_till=True,
                      catalogue_replica=folder / "shop-catalogue.sqlite3", **more)


def _write(url: str, items: list[Item]) -> None:
    """Items written by another till (its store, its own connections), committed."""
    with open_store(url, PricingPolicy()) as store:
        store.catalogue.upsert(items)


def _ready(store):
    assert store.catalogue.replica.wait_ready(WAIT_S), "the copy never caught up"
    return store


def _skus(catalogue, text: str) -> list[str]:
    return [item.sku for item in catalogue.search(text, limit=50)]


@pytest.fixture
def shop(shop_database_url):
    """A shop database holding the demo catalogue (what a till's first start seeds)."""
    open_store(shop_database_url, PricingPolicy(), seed_demo=True).close()
    return shop_database_url


def test_the_copy_searches_as_the_shop_database_does_and_as_a_sqlite_till_does(shop, tmp_path):
    """The same catalogue (test_pg_search's: diacritics, punctuation, more than SEARCH_CAP items
    sharing words): the copy's answers are the shop database's own search's, page and count, for
    every query of the comparison test, and the search really runs on the copy."""
    plain = open_store(shop, PricingPolicy())  # no copy: the search on PostgreSQL
    import_items(plain.catalogue.db, "usd", CATALOGUE, chunk_rows=1_500)
    till = _ready(_till(shop, tmp_path))
    try:
        assert till.catalogue.replica.rows_copied == plain.catalogue.count()
        for text in FIXED:
            assert (_skus(till.catalogue, text), till.catalogue.match_count(text)) == \
                (_skus(plain.catalogue, text), plain.catalogue.match_count(text)), text
        assert till.catalogue._searched() is till.catalogue.replica.store
    finally:
        till.close()
        plain.close()


def test_another_tills_new_item_and_new_price_show_in_this_tills_search(shop, tmp_path):
    one, two = _ready(_till(shop, tmp_path / "one", 1)), _ready(_till(shop, tmp_path / "two", 2))
    try:
        two.catalogue.upsert([_item("NEW-1", "Zanzibar Vanilla Pod", 450)])
        # The till's own write shows at once; the other till's at its next poll (catch_up: the poll's work).
        assert _skus(two.catalogue, "zanzibar") == ["NEW-1"]
        one.catalogue.replica.catch_up()
        assert _skus(one.catalogue, "zanzibar") == ["NEW-1"]
        two.catalogue.upsert([_item("NEW-1", "Zanzibar Vanilla Pod", 475)])
        one.catalogue.replica.catch_up()
        assert [i.price.amount for i in one.catalogue.search("zanzibar")] == [475]
        assert one.catalogue.get("NEW-1").price.amount == 475  # what a cart line is priced at: the shop's
    finally:
        one.close()
        two.close()


def test_the_copy_follows_on_its_own_thread(shop, tmp_path):
    one, two = _ready(_till(shop, tmp_path / "one", 1)), _till(shop, tmp_path / "two", 2)
    try:
        two.catalogue.upsert([_item("POLL-1", "Quokka Crackers")])
        copied = one.catalogue.replica.rows_copied
        deadline = time.monotonic() + WAIT_S
        while one.catalogue.replica.rows_copied == copied and time.monotonic() < deadline:
            one.catalogue.replica._stopping.wait(0.05)  # the poll's thread copies it (POLL_S)
        assert _skus(one.catalogue, "quokka") == ["POLL-1"]
    finally:
        one.close()
        two.close()


def test_a_write_that_commits_after_a_later_one_is_not_skipped(shop, tmp_path):
    """The guard of the mark: a transaction that began before a catch-up and commits after another
    one that the catch-up saw is still copied (a mark at the highest id seen would skip it)."""
    till = _ready(_till(shop, tmp_path))
    early = psycopg.connect(shop)
    try:
        with early.cursor() as cur:  # writes as the store does (the item, its search row), not committed yet
            cur.execute("BEGIN")
            cur.execute("INSERT INTO items (sku, name, price, currency, name_key) VALUES ('EARLY', 'Early Okra', 10,"
                        " 'usd', 'early okra')")
        write_search_rows(_Raw(early), [("EARLY", "Early Okra", None)])
        _write(shop, [_item("LATE", "Late Okra")])  # commits first
        till.catalogue.replica.catch_up()
        assert _skus(till.catalogue, "okra") == ["LATE"]
        early.commit()
        till.catalogue.replica.catch_up()
        assert sorted(_skus(till.catalogue, "okra")) == ["EARLY", "LATE"]
    finally:
        early.close()
        till.close()


class _Raw:
    """A bare psycopg connection as the store's connection (`?` placeholders), for a write held open."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def execute(self, sql: str, params=()):
        return self._conn.execute(sql.replace("?", "%s"), params)


def test_a_till_restarted_copies_only_what_changed_meanwhile(crashable_postgres_server, tmp_path):
    """On a server of its own: no other session's transaction (the test kit makes the next pooled
    database in one) holds the mark back. A mark is the oldest transaction running at a catch-up:
    the first one's is before the till's own start-up writes, so it is the second one's that is past them."""
    url = crashable_postgres_server.create_database("restarted")
    open_store(url, PricingPolicy(), seed_demo=True).close()
    first = _ready(_till(url, tmp_path))
    first.catalogue.replica.catch_up()
    copied = first.catalogue.replica.rows_copied
    first.close()
    assert copied > 1
    _write(url, [_item("MEANWHILE", "Meanwhile Mango")])
    again = _ready(_till(url, tmp_path))
    try:
        assert again.catalogue.replica.rows_copied == 1
        assert _skus(again.catalogue, "mango") == ["MEANWHILE"]
    finally:
        again.close()


def test_a_copy_of_another_shop_database_is_made_afresh(shop, tmp_path, postgres_server, shop_database_template):
    _ready(_till(shop, tmp_path)).close()
    other = postgres_server.create_database("other_shop", template=shop_database_template)
    try:
        _write(other, [_item("OTHER-1", "Other Shop Oat Milk")])
        till = _ready(_till(other, tmp_path))
        try:
            assert [i.sku for i in till.catalogue.search("")] == ["OTHER-1"]  # the first shop's items are gone
        finally:
            till.close()
    finally:
        postgres_server.drop_database("other_shop")


def test_the_search_works_from_the_copy_while_the_shop_database_is_away(crashable_postgres_server, tmp_path):
    url = crashable_postgres_server.create_database("away")
    open_store(url, PricingPolicy(), seed_demo=True).close()
    till = _ready(_till(url, tmp_path))
    try:
        found = _skus(till.catalogue, "cappu")
        assert found
        crashable_postgres_server.stop_immediately()
        assert _skus(till.catalogue, "cappu") == found
        crashable_postgres_server.start_again()
    finally:
        till.close()


def test_a_damaged_copy_is_set_aside_and_made_afresh(shop, tmp_path):
    path = tmp_path / "shop-catalogue.sqlite3"
    path.write_bytes(b"not a database at all, a disk that failed" * 100)
    till = _ready(_till(shop, tmp_path))
    try:
        assert _skus(till.catalogue, "cappu")
        assert (tmp_path / "shop-catalogue.sqlite3.damaged").exists()
    finally:
        till.close()


def test_a_first_copy_cut_short_goes_on_from_where_it_stopped(shop, tmp_path, monkeypatch):
    """A till closed during its first copy (one page of 10 in; rows are indexed at the copy's end): the
    next start copies the rest, not all again, indexes everything, and an item changed meanwhile in
    the page copied before shows after the catch-up that follows. (The close is injected after the
    first page through a wrapper of the page write: a fault we can't time otherwise.)"""
    monkeypatch.setattr(catalogue_replica, "CHUNK_ROWS", 10)
    first = CatalogueReplica(tmp_path / "copy.sqlite3", shop, "usd")
    write = first._write

    def write_then_stop(rows, *, indexed):
        write(rows, indexed=indexed)
        first._stopping.set()  # as close() from another thread does

    first._write = write_then_stop
    assert first.catch_up() == 0 and not first.ready
    first._stopping.clear()
    first.close()
    _write(shop, [_item("item1", "Item One Renamed")])  # its seq is in the page copied already
    again = CatalogueReplica(tmp_path / "copy.sqlite3", shop, "usd")
    try:
        assert again.catch_up() == 36  # the demo catalogue's 46 items less the page copied before
        assert [item.sku for item in again.store.search("cappu")] == ["cappuccino"]  # indexed, page 1's too
        assert again.store.count() == 46
        assert again.catch_up() == 1
        assert [item.name for item in again.store.search("renamed")] == ["Item One Renamed"]
    finally:
        again.close()


def test_a_write_during_a_catch_up_is_copied_straight_after_it(shop, tmp_path, monkeypatch):
    """This till's write while its copy's thread is catching up (which may have read before the
    write) makes the thread catch up again at once, not at its next poll."""
    monkeypatch.setattr(catalogue_replica, "POLL_S", 60)
    till = _ready(_till(shop, tmp_path))
    replica = till.catalogue.replica
    try:
        with replica._lock:  # a catch-up under way
            till.catalogue.upsert([_item("DURING", "Durian Drops")])  # returns at once, the copy can't yet
            assert _skus(till.catalogue, "durian") == []
        deadline = time.monotonic() + WAIT_S
        while not _skus(till.catalogue, "durian") and time.monotonic() < deadline:
            replica._stopping.wait(0.05)
        assert _skus(till.catalogue, "durian") == ["DURING"]
    finally:
        till.close()


def test_a_copy_whose_mark_is_ahead_of_the_server_is_made_afresh(shop, tmp_path):
    """A database restored to an earlier point runs transaction ids the copy has seen already: with
    its mark ahead of the server's, the copy would never read a change again, so it starts afresh."""
    _ready(_till(shop, tmp_path)).close()
    with sqlite3.connect(tmp_path / "shop-catalogue.sqlite3") as copy:
        copy.execute("UPDATE replica_state SET mark = '999999999999'")
    _write(shop, [_item("AFTER-RESTORE", "Restored Rhubarb")])
    till = _ready(_till(shop, tmp_path))
    try:
        assert _skus(till.catalogue, "rhubarb") == ["AFTER-RESTORE"]
    finally:
        till.close()


def test_a_transaction_left_open_elsewhere_does_not_make_every_poll_copy_again(shop, tmp_path):
    """A session left in a transaction (psql after BEGIN and a write, a stuck report) holds the
    server's oldest running transaction back: the copy's mark is a whole snapshot, so rows it has
    copied are not read and written again at every poll until that session ends."""
    till = _ready(_till(shop, tmp_path))
    idle = psycopg.connect(shop)
    try:
        idle.execute("SELECT pg_current_xact_id()")  # in a transaction, with an id, left open
        _write(shop, [_item(f"IDLE-{n}", f"Idle Item {n}") for n in range(20)])
        assert till.catalogue.replica.catch_up() == 20
        assert till.catalogue.replica.catch_up() == 0
        assert len(_skus(till.catalogue, "idle item")) == 20
    finally:
        idle.close()
        till.close()


def test_a_barcode_moved_to_another_item_is_copied_whatever_the_pages(shop, tmp_path, monkeypatch):
    """A barcode moves from one item to another (two writes: off one, onto the other) and the copy
    reads them in pages of 3: it ends on the item that has it, once (the copy reads changes in the
    order they were made, so the first write is copied before the second)."""
    monkeypatch.setattr(catalogue_replica, "CHUNK_ROWS", 3)
    _write(shop, [_item("A", "Apple Alpha"), *[_item(f"F{n}", f"Filler {n}") for n in range(10)],
                  _item("B", "Bongo Beta", barcode="12345678")])
    till = _ready(_till(shop, tmp_path))
    try:
        _write(shop, [_item("B", "Bongo Beta")])
        _write(shop, [_item("A", "Apple Alpha", barcode="12345678")])
        _write(shop, [_item(f"F{n}", f"Filler {n} new") for n in range(10)])
        _write(shop, [_item("LAST", "Last Lime")])
        till.catalogue.replica.catch_up()
        assert till.catalogue.replica.store.by_barcode("12345678").sku == "A"
        assert _skus(till.catalogue, "bongo") == ["B"] and _skus(till.catalogue, "lime") == ["LAST"]
    finally:
        till.close()


def test_a_barcode_of_an_item_deleted_by_hand_can_go_to_a_new_item(shop, tmp_path):
    till = _ready(_till(shop, tmp_path))
    try:
        _write(shop, [_item("OLD", "Old Olive Oil", barcode="87654321")])
        till.catalogue.replica.catch_up()
        with psycopg.connect(shop, autocommit=True) as conn:  # outside the store, as a manager's SQL would
            conn.execute("DELETE FROM items WHERE sku = 'OLD'")
        _write(shop, [_item("NEW", "New Olive Oil", barcode="87654321")])
        till.catalogue.replica.catch_up()
        assert till.catalogue.replica.store.by_barcode("87654321").sku == "NEW"
        assert _skus(till.catalogue, "olive oil") == ["NEW"]
    finally:
        till.close()


def test_while_a_copy_is_made_afresh_the_search_asks_the_shop_database(shop, tmp_path, monkeypatch):
    """The shop database replaced under a running till (its identity changes): the copy starts afresh,
    and meanwhile the search answers from the shop database, not from a copy emptied part way.
    (The new copy is held after its first page by a wrapper of the page write.)"""
    monkeypatch.setattr(catalogue_replica, "CHUNK_ROWS", 10)
    till = _ready(_till(shop, tmp_path))
    replica = till.catalogue.replica
    with sqlite3.connect(tmp_path / "shop-catalogue.sqlite3") as copy:
        copy.execute("UPDATE replica_state SET shop = 'another database'")
    held, go_on = threading.Event(), threading.Event()
    write = replica._write

    def write_and_hold(rows, *, indexed):
        write(rows, indexed=indexed)
        held.set()
        go_on.wait(WAIT_S)

    replica._write = write_and_hold
    copying = threading.Thread(target=replica.catch_up)
    copying.start()
    try:
        assert held.wait(WAIT_S)
        assert not replica.ready
        assert _skus(till.catalogue, "cappu") == ["cappuccino"]  # from the shop database
    finally:
        go_on.set()
        copying.join(WAIT_S)
    assert replica.ready and _skus(till.catalogue, "cappu") == ["cappuccino"]
    till.close()


def test_a_till_whose_copy_cannot_be_made_still_opens_and_searches(shop, tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where the data folder would be")
    till = open_store(shop, PricingPolicy(), till="till-1", claim_till=True,
                      catalogue_replica=tmp_path / "not-a-folder" / "shop-catalogue.sqlite3")
    try:
        assert till.catalogue.replica is None
        assert _skus(till.catalogue, "cappu") == ["cappuccino"]
    finally:
        till.close()


def test_close_does_not_wait_long_for_a_catch_up_that_cannot_stop(shop, tmp_path):
    """A first copy's last step can't be stopped: close() gives up after its timeout and the copy's
    thread closes what it uses when done. (The step is stood in for by a catch-up held on an Event.)"""
    till = _ready(_till(shop, tmp_path))
    replica = till.catalogue.replica
    busy, go_on = threading.Event(), threading.Event()
    catch_up = replica._catch_up

    def held_catch_up():
        busy.set()
        go_on.wait(WAIT_S)
        return catch_up()

    replica._catch_up = held_catch_up
    replica._wake.set()
    assert busy.wait(WAIT_S)
    started = time.monotonic()
    replica.close(timeout_s=0.3)
    assert time.monotonic() - started < 2
    go_on.set()
    replica._thread.join(WAIT_S)
    assert not replica._thread.is_alive() and replica._shop is None
    replica.close = lambda: None  # closed: the store's close below must not wait again
    till.close()
