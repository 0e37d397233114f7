"""Parking over a real store and staff: park keeps the sale as it is, recall gives it back, the guards, a restart."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.discounts import Discount, DiscountKind, LineTerms
from pos_app.domain.pricing import PricingPolicy
from pos_app.selling import Parking
from pos_app.selling.parking import MAX_LABEL, LabelRefused
from pos_app.staff import LoginRequired, StaffService, TillSession
from pos_app.store import CartFrozen, ParkedSaleNotFound, ParkingRefused, open_store
from pos_app.store.migrations import MIGRATIONS
from tests.integration.selling.conftest import ITEMS


@pytest.fixture
def parking(store, session):
    return Parking(store, session)


def entries(store, kind: str) -> list:
    return [e for e in store.journal.entries() if e.type == kind]


def with_terms(store) -> None:
    """Two lines, one at a discount, and an order discount (terms written as the selling rules write them)."""
    store.carts.add("tea", 2)
    store.carts.add("cake", 1)
    with store.unit_of_work() as work:
        work.carts.set_line_terms("tea", LineTerms(discount=Discount(DiscountKind.PERCENT, 1000, "dented")))
        work.carts.set_order_discount(Discount(DiscountKind.AMOUNT, 100, "loyal"))


def test_park_keeps_the_sale_as_it_is_and_starts_an_empty_cart(store, parking, cashier):
    with_terms(store)
    before = store.carts.snapshot()
    parked = parking.park("table 4")
    after = store.carts.snapshot()
    assert after.empty and after.uuid != before.uuid and after.cart_id != before.cart_id
    assert (parked.id, parked.uuid, parked.label, parked.parked_by) == (
        before.cart_id, before.uuid, "table 4", "Demo Cashier")
    assert parked.lines == {"tea": 2, "cake": 1} and parked.line_count == 2
    assert parked.total == before.totals.total.amount
    [entry] = entries(store, "park")
    assert entry.user == "Demo Cashier"
    assert entry.payload == {"cart_uuid": before.uuid, "label": "table 4", "lines": {"tea": 2, "cake": 1},
                             "total": before.totals.total.amount, "currency": "usd"}


def test_recall_gives_back_the_lines_terms_and_uuid(store, parking, cashier):
    with_terms(store)
    before = store.carts.snapshot()
    parked = parking.park()
    empty_id = store.carts.cart_id
    snap = parking.recall(parked.id)
    assert (snap.cart_id, snap.uuid, dict(snap.lines)) == (before.cart_id, before.uuid, {"tea": 2, "cake": 1})
    assert dict(snap.terms) == dict(before.terms) and snap.order_discount == before.order_discount
    assert snap.totals.total == before.totals.total
    assert parking.parked() == []
    assert not store.carts._rows.is_active(empty_id)  # the empty cart it replaced is closed
    [entry] = entries(store, "recall")
    assert entry.payload["cart_uuid"] == before.uuid and entry.payload["label"] == parked.label
    # The recalled cart is the till's cart again: it changes like any other.
    assert store.carts.add("cake", 1).lines["cake"] == 2


def test_parked_sales_are_listed_newest_first_with_a_label_by_default(store, parking, cashier, monkeypatch):
    clock = iter([1_000_000, 1_000_060])
    monkeypatch.setattr("pos_app.store.carts.now", lambda: next(clock, 1_000_060))  # two parks a minute apart
    store.carts.add("tea", 1)
    first = parking.park()
    store.carts.add("cake", 3)
    second = parking.park("  table 4  ")
    listed = parking.parked()
    assert [p.id for p in listed] == [second.id, first.id]
    assert first.label.startswith("Parked ") and len(first.label) == len("Parked 14:05")
    assert (listed[0].label, listed[0].line_count, listed[0].total) == ("table 4", 1, 1500)


@pytest.mark.parametrize("label", [7, "x" * (MAX_LABEL + 1), "tab\tle"])
def test_a_label_that_is_no_label_is_refused_and_nothing_is_parked(store, parking, cashier, label):
    store.carts.add("tea", 1)
    uuid = store.carts.uuid
    with pytest.raises(LabelRefused, match="label"):
        parking.park(label)
    assert store.carts.uuid == uuid and parking.parked() == [] and entries(store, "park") == []


def test_an_empty_cart_is_not_parked(store, parking, cashier):
    with pytest.raises(ParkingRefused, match="nothing to park"):
        parking.park()
    assert parking.parked() == [] and entries(store, "park") == []


def test_a_frozen_cart_is_not_parked(store, parking, cashier):
    """A payment in flight (or a live tender) keeps the cart frozen: the customer may be paying it."""
    store.carts.add("tea", 1)
    store.carts.set_frozen(True)
    with pytest.raises(CartFrozen, match="payment is in progress"):
        parking.park()
    assert parking.parked() == [] and store.carts.snapshot().lines == {"tea": 1}


def test_a_cart_in_doubt_is_not_parked(store, parking, cashier):
    store.carts.add("tea", 1)
    store.carts.set_in_doubt(True)
    with pytest.raises(CartFrozen, match="in doubt"):
        parking.park()
    assert parking.parked() == []


def test_recall_over_a_cart_with_lines_is_refused(store, parking, cashier):
    store.carts.add("tea", 1)
    parked = parking.park()
    store.carts.add("cake", 2)
    current = store.carts.snapshot()
    with pytest.raises(ParkingRefused, match="park or clear"):
        parking.recall(parked.id)
    assert store.carts.snapshot() == current and [p.id for p in parking.parked()] == [parked.id]
    assert entries(store, "recall") == []


def test_recall_of_an_unknown_or_recalled_sale_is_not_found(store, parking, cashier):
    store.carts.add("tea", 1)
    parked = parking.park()
    with pytest.raises(ParkedSaleNotFound):
        parking.recall(parked.id + 99)
    with pytest.raises(ParkedSaleNotFound):
        parking.recall(store.carts.cart_id)  # the active cart is no parked sale
    parking.recall(parked.id)
    store.carts.clear()
    with pytest.raises(ParkedSaleNotFound):
        parking.recall(parked.id)


def test_nobody_logged_in_parks_or_recalls_nothing(store, parking, session):
    store.carts.add("tea", 1)
    with pytest.raises(LoginRequired):
        parking.park()
    session.login("0000")
    parked = parking.park()
    session.logout()
    with pytest.raises(LoginRequired):
        parking.recall(parked.id)
    assert store.carts.snapshot().empty and len(parking.parked()) == 1


def test_a_park_whose_journal_entry_fails_changes_nothing(store, parking, cashier, monkeypatch):
    """The journal is made to fail (a fault injected): the park's unit of work rolls back whole."""
    store.carts.add("tea", 2)
    before = store.carts.snapshot()

    def broken(*args, **kwargs):
        raise OSError("disk gone")
    monkeypatch.setattr(store.journal, "append", broken)
    with pytest.raises(OSError):
        parking.park()
    assert store.carts.snapshot() == before and store.carts.cart_id == before.cart_id
    monkeypatch.undo()
    assert parking.parked() == []
    assert parking.park().uuid == before.uuid  # and it parks once the journal works again


def test_parked_sales_survive_a_restart(database_location, store, parking, cashier, tax_mode):
    with_terms(store)
    before = store.carts.snapshot()
    parked = parking.park("table 4")
    store.carts.add("tea", 1)  # the next customer's sale, open at the restart
    store.close()
    with open_store(database_location, PricingPolicy("usd", tax_mode)) as reopened:
        assert reopened.carts.snapshot().lines == {"tea": 1}
        session = TillSession(StaffService(reopened, "till-1"))
        session.login("0000")
        again = Parking(reopened, session)
        assert [(p.id, p.label, p.lines) for p in again.parked()] == [(parked.id, "table 4", parked.lines)]
        reopened.carts.clear()
        snap = again.recall(parked.id)
        assert (snap.uuid, dict(snap.terms), snap.order_discount) == (before.uuid, dict(before.terms),
                                                                      before.order_discount)
        assert snap.totals.total == before.totals.total


def test_a_database_before_parking_migrates_with_its_cart(tmp_path):
    number = next(i for i, m in enumerate(MIGRATIONS) if "carts_rebuilt" in m)
    path = tmp_path / "pos.sqlite3"
    with open_store(path, PricingPolicy("usd")) as first:  # the catalogue's own file, with the items
        first.catalogue.upsert(ITEMS)
    for made in tmp_path.glob("pos.sqlite3*"):
        made.unlink()  # the till's file again, as it was before parking
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:number]) + f"\nPRAGMA user_version = {number};")
    conn.execute("INSERT INTO carts (id, uuid, state, created_at, updated_at, voided_at) VALUES"
                 " (1, 'old', 'closed', 1, 1, 1), (2, 'c2', 'open', 2, 2, NULL)")
    conn.execute("INSERT INTO cart_lines VALUES (2, 'tea', 3, 1)")
    conn.commit()
    conn.close()
    with open_store(path, PricingPolicy("usd")) as store:
        assert store.db.query_one("PRAGMA user_version")[0] == len(MIGRATIONS)
        snap = store.carts.snapshot()
        assert (snap.cart_id, snap.uuid, dict(snap.lines)) == (2, "c2", {"tea": 3})
        assert store.carts._rows.is_voided(1)
        assert store.db.query("PRAGMA foreign_key_check") == []
        with pytest.raises(sqlite3.IntegrityError):  # still one active cart at most (a till's: it took cart 2)
            store.db.conn.execute("INSERT INTO carts (till, uuid, state, created_at, updated_at)"
                                  " VALUES ('till-1', 'x', 'open', 3, 3)")
        with pytest.raises(sqlite3.IntegrityError):  # a parked cart says when and under which label
            store.db.conn.execute("UPDATE carts SET state = 'parked' WHERE id = 2")
