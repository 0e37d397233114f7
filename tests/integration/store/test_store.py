import sqlite3

import pytest

from pos_app.domain.cart import InvalidQuantity, UnknownSku
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import CartFrozen, SCHEMA_VERSION, UnknownBarcode, open_store


@pytest.fixture
def db_path(database_location):
    """The till's SQLite file, or a shop's PostgreSQL database (each test runs on both, but for
    the sqlite_only ones, which open the file themselves)."""
    return database_location


@pytest.fixture
def store(db_path):
    s = open_store(db_path, PricingPolicy(), seed_demo=True)
    yield s
    s.close()


def test_new_install_has_demo_catalogue_and_an_empty_cart(store):
    assert store.catalogue.get("item1").price.amount == 500
    assert [store.catalogue.get(f"item{i}").price.amount for i in range(1, 5)] == [500, 1000, 1500, 700]
    assert store.catalogue.count() > 40
    snap = store.carts.snapshot()
    assert snap.lines == {} and snap.totals.total.amount == 0


@pytest.mark.sqlite_only
def test_database_is_wal_full_and_versioned(store, db_path):
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_seed_totals_through_the_cart_service(store):
    store.carts.replace({"item1": 2, "item3": 1})
    assert store.carts.snapshot().totals.total.amount == 2500


def test_cart_survives_a_restart_with_its_uuid(store, db_path):
    store.carts.replace({"item1": 2, "item3": 1})
    store.carts.add("item4")
    snap = store.carts.snapshot()
    store.close()
    reopened = open_store(db_path, PricingPolicy(), seed_demo=True)
    try:
        again = reopened.carts.snapshot()
        assert again.uuid == snap.uuid and again.lines == snap.lines
        assert list(again.lines) == ["item1", "item3", "item4"]
    finally:
        reopened.close()


@pytest.mark.sqlite_only
def test_every_change_is_committed_before_it_returns(store, db_path):
    store.carts.set_qty("item2", 4)
    other = sqlite3.connect(db_path)  # a second reader sees it at once: it is committed
    assert other.execute("SELECT qty FROM cart_lines WHERE sku = 'item2'").fetchone()[0] == 4
    assert other.execute("SELECT uuid FROM carts WHERE state != 'closed'").fetchone()[0] == store.carts.uuid


def test_no_op_keeps_uuid_and_real_change_renews_it(store):
    store.carts.replace({"item1": 2})
    uuid = store.carts.uuid
    store.carts.replace({"item1": 2})
    store.carts.set_qty("item1", 2)
    assert store.carts.uuid == uuid
    store.carts.set_qty("item1", 3)
    assert store.carts.uuid != uuid


def test_bad_input_leaves_stored_cart_untouched(store, db_path):
    store.carts.replace({"item1": 2})
    before = store.carts.snapshot()
    with pytest.raises(UnknownSku):
        store.carts.replace({"item1": 1, "ghost": 1})
    with pytest.raises(InvalidQuantity):
        store.carts.set_qty("item1", -3)
    with pytest.raises(UnknownBarcode, match="no item has barcode 999"):
        store.carts.add_barcode("999")
    store.close()
    reopened = open_store(db_path, PricingPolicy())
    assert reopened.carts.snapshot().lines == before.lines
    assert reopened.carts.uuid == before.uuid
    reopened.close()


def test_scan_adds_by_barcode(store):
    item = store.carts.add_barcode("4000000000037")
    store.carts.add_barcode("4000000000037")
    assert item.sku == "item3" and store.carts.snapshot().lines == {"item3": 2}


def test_frozen_cart_refuses_changes_until_unfrozen(store):
    store.carts.replace({"item1": 1})
    store.carts.set_frozen(True)
    with pytest.raises(CartFrozen, match="payment is in progress"):
        store.carts.add("item2")
    store.carts.set_frozen(False)
    store.carts.add("item2")
    assert store.carts.snapshot().lines == {"item1": 1, "item2": 1}


def test_listeners_hear_real_changes_only(store):
    heard = []
    store.carts.subscribe(lambda snap: heard.append(snap.uuid))
    store.carts.add("item1")
    store.carts.set_qty("item1", 1)
    assert heard == [store.carts.uuid]


def sell(store, snap, order):
    """The sale's unit of work as CheckoutService runs it: the order, then the cart it was paid from."""
    with store.unit_of_work() as work:
        recorded = work.orders.record(order)
        work.carts.settle_paid(snap.cart_id)
    return recorded


def test_a_sale_starts_a_new_cart_in_one_transaction(store):
    from pos_app.domain.order import Order
    store.carts.replace({"item1": 2, "item3": 1})
    snap = store.carts.snapshot()
    order = Order.from_totals(snap.totals, number="", created_at=1_700_000_000, payment_intent="pi_1",
                              cart_uuid=snap.uuid, card_brand="visa", card_last4="4242")
    heard = []
    store.carts.subscribe(heard.append)
    recorded = sell(store, snap, order)
    assert recorded.number == "000001" and recorded.total == 2500
    after = store.carts.snapshot()
    assert after.lines == {} and after.uuid != snap.uuid and after.cart_id != snap.cart_id
    assert [s.cart_id for s in heard] == [after.cart_id]  # told once, after the commit
    # twice: the same order, no second cart switch
    again = sell(store, snap, order)
    assert again.id == recorded.id and store.orders.count() == 1
    assert store.carts.snapshot().cart_id == after.cart_id


def test_failed_sale_transaction_changes_nothing(store):
    from pos_app.domain.order import Order
    store.carts.replace({"item1": 2})
    snap = store.carts.snapshot()
    heard = []
    store.carts.subscribe(heard.append)
    with pytest.raises(RuntimeError), store.unit_of_work() as work:
        work.orders.record(Order.from_totals(snap.totals, number="", created_at=0, payment_intent="pi_x",
                                             cart_uuid=snap.uuid))
        work.carts.settle_paid(snap.cart_id)
        assert store.carts.snapshot().cart_id != snap.cart_id  # inside: the new cart is started
        raise RuntimeError("crash while recording")
    assert store.orders.count() == 0
    after = store.carts.snapshot()
    assert (after.cart_id, after.uuid, after.lines) == (snap.cart_id, snap.uuid, snap.lines)
    assert heard == []  # nothing committed, nothing told
    reopened = open_store(store.db.path, PricingPolicy())  # and nothing of it on disk
    assert reopened.carts.snapshot().cart_id == snap.cart_id and reopened.orders.count() == 0
    reopened.close()


def test_refunds_never_exceed_what_was_paid(store):
    from pos_app.domain.order import Order
    from pos_app.store import RefundRefused
    store.carts.replace({"item1": 2})
    snap = store.carts.snapshot()
    order = sell(store, snap, Order.from_totals(snap.totals, number="", created_at=1, payment_intent="pi_2",
                                                cart_uuid=snap.uuid))
    first = store.orders.begin_refund(order.id, 600, "requested_by_customer")
    assert first.idempotency_key == "refund-pi_2-1"
    with pytest.raises(RefundRefused, match="400 left to refund"):
        store.orders.begin_refund(order.id, 500, None)
    store.orders.finish_refund(first.id, status="failed")
    second = store.orders.begin_refund(order.id, 1000, None)
    store.orders.finish_refund(second.id, status="succeeded", refund_id="re_1")
    store.orders.finish_refund(second.id, status="succeeded", refund_id="re_1")  # settling twice counts once
    assert store.orders.get(order.id).refunded == 1000


def test_ledger_begin_is_idempotent_per_key(store):
    from pos_app.store.ledger import ChargeSnapshot
    e1 = store.ledger.begin(cart_id=1, cart_uuid="u1", idempotency_key="u1", amount=2500, currency="usd",
                            snapshot=ChargeSnapshot((), 0, 0, 0))
    e2 = store.ledger.begin(cart_id=1, cart_uuid="u1", idempotency_key="u1", amount=2500, currency="usd",
                            snapshot=ChargeSnapshot((), 0, 0, 0))
    assert e1.id == e2.id and e1.status == "creating" and store.ledger.unfinished() == [e1]
    store.ledger.attach_intent(e1.id, "pi_9", "requires_payment_method")
    store.ledger.set_status(e1.id, "succeeded")
    assert store.ledger.unfinished() == [] and store.ledger.by_intent("pi_9").final


@pytest.mark.sqlite_only
def test_newer_schema_is_refused(db_path):
    open_store(db_path, PricingPolicy()).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    from pos_app.store import DamagedDatabase
    with pytest.raises(DamagedDatabase, match="written by a newer pos-app"):
        open_store(db_path, PricingPolicy())


def test_a_catalogue_in_another_currency_is_refused_with_the_setting_named(db_path):
    from pos_app.store import CurrencyMismatch
    store = open_store(db_path, PricingPolicy("usd"), seed_demo=True)
    store.carts.add("item1")
    store.close()
    with pytest.raises(CurrencyMismatch, match="priced in USD but POS_CURRENCY is EUR: set POS_CURRENCY=usd"):
        open_store(db_path, PricingPolicy("eur"), seed_demo=True)
    again = open_store(db_path, PricingPolicy("usd"))  # nothing was changed
    assert again.carts.snapshot().lines == {"item1": 1}
    again.close()
