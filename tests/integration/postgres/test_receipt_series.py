"""Each till's receipt series on a shared database: read back as a cashier types it, and gap-free under load.

`T02-000123` is till 2's 123rd sale. A cashier may type it in full, in lower case, without the zeros
("t02-123"), or the digits alone ("123", "#123", "000123"): digits alone are this till's sale first,
else the one other till's that has that number. Four tills selling at once on one shop database
never repeat or skip a number; a sale that rolls back gives its number back.
"""

from __future__ import annotations

import threading

import pytest

from pos_app.devices.receipt import receipt_for
from pos_app.domain.order import Order

from .tills import Outcomes, open_till_store, record_sale, till_settings

TILLS = 4
SALES = 30
ROLLED_BACK_EVERY = 7  # every 7th sale of a till fails after its number was taken


@pytest.fixture
def shop(database_location):
    tills = {n: open_till_store(database_location, n) for n in (1, 2, 3)}
    for number, sales in ((1, 3), (2, 2)):
        for sale in range(sales):
            record_sale(tills[number], {"item1": 1}, f"pi_{number}_{sale}")
    yield tills
    for store in tills.values():
        store.close()


def number_of(store, text: str) -> str | None:
    order = store.orders.by_number(text)
    return order.number if order is not None else None


def test_a_number_typed_in_full_finds_that_tills_sale(shop):
    for text in ("T02-000002", "t02-2", "#T02-000002", " T02-02 "):
        assert number_of(shop[1], text) == "T02-000002", text
    assert number_of(shop[1], "T03-000001") is None  # till 3 has sold nothing
    assert number_of(shop[1], "T01-0000001") is None and number_of(shop[1], "sale 2") is None


def test_digits_alone_are_this_tills_sale_first(shop):
    for text in ("2", "#2", "000002"):
        assert number_of(shop[1], text) == "T01-000002" and number_of(shop[2], text) == "T02-000002"
    assert number_of(shop[2], "3") == "T01-000003"  # only till 1 has a 3
    assert number_of(shop[3], "2") is None  # tills 1 and 2 both have a 2: till 3's cashier types the series
    assert number_of(shop[3], "3") == "T01-000003"


def test_order_search_reads_numbers_the_same_way(shop):
    def found(store, text):
        return [order.number for order in store.orders.search(text, "usd")]
    assert found(shop[2], "2")[:2] == ["T02-000002", "T01-000002"]  # this till's first
    assert found(shop[1], "2")[:2] == ["T01-000002", "T02-000002"]
    assert found(shop[3], "t01-3") == ["T01-000003"]


def test_the_receipt_shows_the_full_number(shop, tmp_path):
    order = shop[2].orders.by_number("1")
    assert receipt_for(order, till_settings("postgresql://shop", 2, tmp_path)).number == "T02-000001"


def test_concurrent_tills_never_repeat_or_skip_a_number(database_location):
    """Four tills, each its own store and connections, sell at once from a barrier; every 7th sale of
    each fails after taking its number (inside its unit of work), which must give the number back."""
    tills = {n: open_till_store(database_location, n) for n in range(1, TILLS + 1)}
    outcomes = Outcomes(barrier=threading.Barrier(TILLS))
    threads = [threading.Thread(target=outcomes.run, args=(f"till-{n}", lambda store=store, n=n: sell_many(store, n)))
               for n, store in tills.items()]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        numbers = [order.number for order in tills[1].orders.recent(limit=1000)]  # the shop's orders
    finally:
        for store in tills.values():
            store.close()
    for n in tills:
        assert outcomes.results[f"till-{n}"] == SALES - SALES // ROLLED_BACK_EVERY, outcomes.results
    assert len(numbers) == len(set(numbers))  # no number twice in the shop
    recorded = SALES - SALES // ROLLED_BACK_EVERY
    for n in tills:
        mine = sorted(number for number in numbers if number.startswith(f"T{n:02d}-"))
        assert mine == [f"T{n:02d}-{i:06d}" for i in range(1, recorded + 1)]  # no gap: rolled back numbers reused


class SaleFailed(Exception):
    """Raised inside a sale's unit of work after its order (and number) was written."""


def sell_many(store, till: int) -> int:
    recorded = 0
    for sale in range(1, SALES + 1):
        try:
            with store.unit_of_work() as work:
                if not store.carts.snapshot().lines:
                    store.carts.replace({"item1": 1})
                snap = store.carts.snapshot()
                work.orders.record(Order.from_totals(snap.totals, number="", created_at=sale,
                                                     payment_intent=f"pi_{till}_{sale}", cart_uuid=snap.uuid))
                if sale % ROLLED_BACK_EVERY == 0:
                    raise SaleFailed(sale)
                work.carts.settle_paid(snap.cart_id)
            recorded += 1
        except SaleFailed:
            pass
    return recorded
