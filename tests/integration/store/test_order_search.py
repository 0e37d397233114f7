"""OrderBook.search: what a cashier types in the history's search field."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pos_app.domain.order import Order, OrderLine
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store

DAY = date(2026, 11, 26)


@pytest.fixture
def orders(database_location):
    store = open_store(database_location, PricingPolicy())
    at = lambda day, hour: int(datetime.combine(day, datetime.min.time()).timestamp()) + hour * 3600  # noqa: E731
    rows = [  # (total, created_at, pi, last4)
        (2500, at(DAY, 9), "pi_3AAA_first", "4242"),
        (1250, at(DAY, 10), "pi_3BBB_second", "4444"),
        (2500, at(DAY - timedelta(days=1), 23), "pi_3CCC_third", "0005"),
        (99, at(DAY + timedelta(days=1), 0), "pi_3DDD%fourth", "4242"),
    ]
    with store.unit_of_work() as work:
        for n, (total, created, pi, last4) in enumerate(rows):
            work.orders.record(Order(
                number="", created_at=created, currency="usd",
                lines=(OrderLine("item1", "Item 1", 1, total, total, 0),), subtotal=total, tax=0, total=total,
                payment_intent=pi, cart_uuid=f"cart-{n}", card_brand="visa", card_last4=last4))
    yield store.orders
    store.close()


def numbers(found) -> list[str]:
    return [o.number for o in found]


@pytest.mark.parametrize("text, expected", [
    ("", ["000004", "000002", "000001", "000003"]),  # newest first
    ("2", ["000002"]),  # order 2; no order of $2.00
    ("#3", ["000003"]),
    ("000001", ["000001"]),
    ("25", ["000001", "000003"]),  # $25 (no order 25)
    ("25.00", ["000001", "000003"]),
    ("$12.50", ["000002"]),
    ("0.99", ["000004"]),
    ("12.505", []),  # more decimals than dollars have
    ("2026-11-26", ["000002", "000001"]),
    ("2026-11-25", ["000003"]),
    ("2026-02-30", []),
    ("pi_3BBB_second", ["000002"]),
    ("pi_3CCC", ["000003"]),  # the start of an id is enough
    ("pi_3", ["000004", "000002", "000001", "000003"]),
    ("pi_3A_A", []),  # '_' is a literal, not LIKE's any-character
    ("pi_3ccc", []),  # case counts, as in Stripe's ids (on both backends)
    ("4242", ["000004", "000001"]),  # card last four
    ("latte", []),
    ("  000002 ", ["000002"]),
])
def test_search_reads_number_amount_day_pi_and_last4(orders, text, expected):
    assert numbers(orders.search(text, "usd")) == expected


def test_a_number_that_is_also_an_amount_finds_both(orders):
    assert numbers(orders.search("1", "usd")) == ["000001"]  # order 1; nothing costs $1.00
    with orders._db.transaction() as conn:
        conn.execute("UPDATE orders SET total = 100 WHERE number = '000002'")
    assert numbers(orders.search("1", "usd")) == ["000002", "000001"]


def test_search_is_limited(orders):
    assert len(orders.search("", "usd", limit=2)) == 2
    assert len(orders.search("2026-11-26", "usd", limit=1)) == 1


@pytest.mark.parametrize("text", ["000123", "25.00", "2026-11-26", "pi_3CCC", "4242", "12"])
def test_every_reading_is_an_index_lookup_not_a_scan_of_all_orders(orders, text):
    """At a shop's million orders a scan of the table takes the better part of a second
    (docs/benchmarks.md, "Shop scale"): each reading must find its rows through an index. On
    PostgreSQL a table this small is cheaper to scan, so sequential scans are priced out: a plan
    that still scans has no index to use."""
    from pos_app.store.order_search import search_query
    from pos_app.store.sql import dialect
    sql, params = search_query(text, "usd")
    if dialect(orders._db) == "postgresql":
        with orders._db.transaction() as conn:
            conn.execute("SET LOCAL enable_seqscan = off")
            plan = conn.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()[0]
        scans = list(_scans_of_orders(plan[0]["Plan"]))
        # A Bitmap Heap Scan reads what its index scans found; any other scan needs its Index Cond
        # (the orders_created index walked backwards with only a Filter reads every order too).
        assert scans and all(n["Node Type"] == "Bitmap Heap Scan" or "Index Cond" in n for n in scans), plan
        return
    steps = [r[3] for r in orders._db.query(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert not [s for s in steps if s.startswith("SCAN orders")], steps  # every row, or the whole index
    assert [s for s in steps if s.startswith("SEARCH orders USING")], steps


def _scans_of_orders(node: dict):
    if node.get("Relation Name") == "orders":
        yield node
    for child in node.get("Plans", ()):
        yield from _scans_of_orders(child)
