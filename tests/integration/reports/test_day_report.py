"""The end-of-day report on a synthetic day of 1,000 orders, checked against an independent sum."""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

import pytest

from pos_app.domain.order import Order, OrderLine, card_brand_name
from pos_app.domain.pricing import PricingPolicy
from pos_app.reports import ReportError, build_report, day_bounds, parse_day, report_csv, report_text
from pos_app.store import open_store

DAY = date(2026, 11, 20)


@pytest.fixture
def store(database_location):
    """A new till's store on each backend (its SQLite file; the shop's PostgreSQL database)."""
    s = open_store(database_location, PricingPolicy())
    yield s
    s.close()


def synthetic_orders(store, rnd, count, day):
    start, end = day_bounds(day)
    rates = [0, 500, 2000]
    brands = ["visa", "mastercard", "amex"]
    expected = {"count": 0, "total": 0, "tax": {}, "brands": {}}
    with store.unit_of_work() as work:
        for n in range(count):
            lines = []
            subtotal = 0
            tax_by_rate = {}
            for k in range(rnd.randint(1, 4)):
                rate, unit, qty = rnd.choice(rates), rnd.randint(50, 5000), rnd.randint(1, 3)
                lines.append(OrderLine(f"sku{k}", f"Item {k}", qty, unit, unit * qty, rate))
                subtotal += unit * qty
                if rate:
                    tax_by_rate[rate] = tax_by_rate.get(rate, 0) + (unit * qty * rate + 5000) // 10000
            tax = sum(tax_by_rate.values())
            brand = rnd.choice(brands)
            order = Order(number="", created_at=rnd.randrange(start, end), currency="usd", lines=tuple(lines),
                          subtotal=subtotal, tax=tax, total=subtotal + tax, payment_intent=f"pi_{day}_{n}",
                          cart_uuid=f"cart-{n}", card_brand=brand, card_last4="4242",
                          tax_by_rate=tuple(sorted(tax_by_rate.items())))
            work.orders.record(order)
            expected["count"] += 1
            expected["total"] += order.total
            for rate, amount in tax_by_rate.items():
                expected["tax"][rate] = expected["tax"].get(rate, 0) + amount
            c, t = expected["brands"].get(card_brand_name(brand), (0, 0))
            expected["brands"][card_brand_name(brand)] = (c + 1, t + order.total)
    return expected


def test_report_of_a_thousand_orders_matches_an_independent_sum(store):
    rnd = random.Random(1234)
    expected = synthetic_orders(store, rnd, 1000, DAY)
    synthetic_orders(store, rnd, 50, DAY - timedelta(days=1))  # other days must not count
    synthetic_orders(store, rnd, 50, DAY + timedelta(days=1))
    orders_today = store.orders.between(*day_bounds(DAY))
    refunds_expected = 0
    for order in orders_today[:25]:
        refund = store.orders.begin_refund(order.id, order.total // 2 or 1, "requested_by_customer")
        store.orders.finish_refund(refund.id, status="succeeded", refund_id=f"re_{order.number}")
        refunds_expected += refund.amount
    failed = store.orders.begin_refund(orders_today[30].id, 100, None)
    store.orders.finish_refund(failed.id, status="failed")  # a failed refund moves no money
    with store.db.transaction() as conn:  # synthetic: the refunds were made on that day too
        conn.execute("UPDATE refunds SET created_at = ?", (day_bounds(DAY)[0] + 3600,))

    report = build_report(store.orders, DAY, "usd")
    assert report.sales_count == expected["count"] == 1000
    assert report.sales_total == expected["total"]
    assert report.tax_by_rate == dict(sorted(expected["tax"].items()))
    assert report.card_brands == dict(sorted(expected["brands"].items()))
    assert (report.refunds_count, report.refunds_total) == (25, refunds_expected)
    assert report.net == expected["total"] - refunds_expected

    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    summary = {r["key"]: r for r in rows if r["section"] == "summary"}
    assert int(summary["sales"]["amount_minor"]) == expected["total"]
    assert int(summary["net"]["amount_minor"]) == report.net
    assert sum(int(r["amount_minor"]) for r in rows if r["section"] == "order") == expected["total"]
    text = report_text(report, "Test Shop")
    assert "End of day (Z) report 2026-11-20" in text and "1000" in text


def test_day_bounds_are_local_midnights():
    start, end = day_bounds(DAY)
    assert datetime.fromtimestamp(start).time() == time(0, 0)
    assert datetime.fromtimestamp(end).date() == DAY + timedelta(days=1)


def test_bad_date_is_named():
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        parse_day("20/11/2026")


def statements_of_a_report(store, day) -> list[str]:
    """The SQL statements building the day's report runs: sqlite3's trace callback on the till's
    connection; on PostgreSQL each statement the store's connection sends (it has no trace hook)."""
    statements: list[str] = []
    if store.db.dialect == "postgresql":
        send = store.db.conn.execute

        def traced(sql, params=()):
            statements.append(sql)
            return send(sql, params)

        store.db.conn.execute = traced  # recorded, then sent on: the real statements run
    else:
        store.db.conn.set_trace_callback(statements.append)
    try:
        build_report(store.orders, day, "usd", tenders=store.tenders)
    finally:
        if store.db.dialect == "postgresql":
            del store.db.conn.execute
        else:
            store.db.conn.set_trace_callback(None)
    return statements


def test_the_report_reads_a_day_in_the_same_few_queries_however_many_orders(store):
    """No query per order (N+1): the orders, their lines and their tenders are read a day at a time."""
    rnd = random.Random(7)
    synthetic_orders(store, rnd, 10, DAY)
    synthetic_orders(store, rnd, 200, DAY + timedelta(days=1))
    few, many = statements_of_a_report(store, DAY), statements_of_a_report(store, DAY + timedelta(days=1))
    assert len(many) == len(few) <= 6, many
    assert sum("FROM tenders" in s for s in many) == 1
