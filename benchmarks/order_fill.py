"""A shop's order history of N orders, written set-wise (one INSERT ... SELECT per table) on either backend.

The schema is the real one (open_store migrates an empty database); the rows are synthetic but
shaped like a shop's: TILLS tills selling PER_TILL_DAY sales a day each between 08:00 and 20:00
local time, receipt numbers per till (`T03-000042`, the series rows set to match), 1-3 lines per
order, a card's last four digits spread over 0000-9999, a PaymentIntent id per order and a
succeeded refund on one order in a hundred. No tenders: every order is paid by one card, as the
seed's are (the day report then reads its tenders book and finds none).
"""

from __future__ import annotations

from datetime import date, datetime, time

TILLS = 8
PER_TILL_DAY = 300
FIRST_DAY = date(2025, 6, 2)
OPEN_S, HOURS_S = 8 * 3600, 12 * 3600

# {pad(x, n)}: x as a zero-padded decimal of n digits, in each dialect.
_PAD = {"sqlite": "printf('%0{n}d', {x})", "postgresql": "lpad(({x})::text, {n}, '0')"}
_SERIES = {"sqlite": "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count} - 1) ",
           "postgresql": ""}
_FROM = {"sqlite": "FROM n", "postgresql": "FROM generate_series(0::bigint, {count} - 1) AS n(i)"}

ORDERS = """
INSERT INTO orders (id, till, number, created_at, currency, subtotal, tax, total, refunded, payment_intent,
                    cart_uuid, card_brand, card_last4, tax_by_rate)
SELECT i + 1, 'till-' || (i % {tills} + 1), 'T' || {pad_till} || '-' || {pad_number},
       {day0} + (i / {per_day}) * 86400 + {open_s} + (i % {per_day}) * {hours_s} / {per_day},
       'usd', 100 + (i * 7919) % 19900, (100 + (i * 7919) % 19900) * 8 / 100,
       (100 + (i * 7919) % 19900) + (100 + (i * 7919) % 19900) * 8 / 100,
       CASE WHEN i % 100 = 0 THEN (100 + (i * 7919) % 19900) / 2 ELSE 0 END,
       'pi_' || {pad_hash} || {pad_i}, 'cart-' || i, 'visa', {pad_last4},
       '[[800, ' || ((100 + (i * 7919) % 19900) * 8 / 100) || ']]'
{from_}"""

LINES = """
INSERT INTO order_lines (order_id, position, sku, name, qty, unit_price, line_total, tax_rate_bp)
SELECT o.id, p.position, 'SKU-' || (o.id * p.position % 50000), 'Item ' || (o.id * p.position % 50000), 1,
       o.subtotal / (1 + o.id % 3), o.subtotal / (1 + o.id % 3), 800
FROM orders o JOIN (SELECT 1 AS position UNION ALL SELECT 2 UNION ALL SELECT 3) p ON p.position <= 1 + o.id % 3"""

REFUNDS = """
INSERT INTO refunds (order_id, seq, idempotency_key, refund_id, amount, currency, reason, status, lines, created_at)
SELECT id, 1, 'refund-' || payment_intent || '-1', 're_' || id, refunded, currency, 'requested_by_customer',
       'succeeded', '[]', created_at + 600
FROM orders WHERE refunded > 0"""

SERIES = """
INSERT INTO receipt_series (till, prefix, last)
SELECT till, 'T' || substr(till, 6), count(*) FROM orders GROUP BY till
ON CONFLICT (till) DO UPDATE SET prefix = excluded.prefix, last = excluded.last"""


def local_midnight(day: date) -> int:
    return int(datetime.combine(day, time()).astimezone().timestamp())


def per_day() -> int:
    return TILLS * PER_TILL_DAY


def day_of(n: int) -> date:
    """A day in the middle of the history (a full day of sales, as a Z report reads)."""
    from datetime import timedelta
    return FIRST_DAY + timedelta(days=max(0, n // per_day() // 2))


def statements(dialect: str, count: int) -> list[str]:
    def pad(x: str, n: int) -> str:
        return _PAD[dialect].format(x=x, n=n)

    orders = _SERIES[dialect].format(count=count) + ORDERS.format(
        tills=TILLS, per_day=per_day(), day0=local_midnight(FIRST_DAY), open_s=OPEN_S, hours_s=HOURS_S,
        pad_till=pad(f"i % {TILLS} + 1", 2), pad_number=pad(f"i / {TILLS} + 1", 6),
        pad_hash=pad("(i * 2654435761) % 4294967296", 10), pad_i=pad("i", 7), pad_last4=pad("(i * 7907) % 10000", 4),
        from_=_FROM[dialect].format(count=count))
    return [orders, LINES, REFUNDS, SERIES]


def fill(db, count: int) -> None:
    """Write `count` orders into an empty, migrated shop database (a store's Database or PgDatabase)."""
    dialect = getattr(db, "dialect", "sqlite")
    with db.transaction() as conn:
        for sql in statements(dialect, count):
            conn.execute(sql)
    if dialect == "postgresql":
        # autovacuum vacuums and analyses a table this changed within a minute (inserts count since
        # PostgreSQL 13): plans from its statistics, as a shop's server would have. A till never runs
        # ANALYZE on its SQLite file, so neither does this.
        db.conn.execute("VACUUM ANALYZE")
