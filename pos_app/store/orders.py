"""Orders (paid sales) and their refunds."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pos_app.domain.order import Order, OrderLine
from pos_app.errors import RefundRefused
from pos_app.store.db import Database, now


@dataclass(frozen=True)
class RefundRecord:
    id: int
    order_id: int
    seq: int
    idempotency_key: str
    refund_id: str | None
    amount: int
    currency: str
    reason: str | None
    #: pending (reserved, the processor's answer not known yet) | processing (Stripe: pending, on
    #: its way back to the card) | succeeded | failed
    status: str
    lines: list  # [{"sku", "qty", "amount"}] for per-line refunds; [] for an amount
    created_at: int
    failure_reason: str | None = None

    @classmethod
    def from_row(cls, row) -> RefundRecord:
        return cls(row["id"], row["order_id"], row["seq"], row["idempotency_key"], row["refund_id"],
                   row["amount"], row["currency"], row["reason"], row["status"], json.loads(row["lines"]),
                   row["created_at"], row["failure_reason"])


class OrderBook:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- orders --------------------------------------------------------------------------------

    def record(self, conn, order: Order) -> Order:
        """Insert the order inside the caller's transaction; an order already recorded for the same
        PaymentIntent is returned as it is (so finalizing twice records one sale)."""
        existing = conn.execute("SELECT id FROM orders WHERE payment_intent = ?", (order.payment_intent,)).fetchone()
        if existing:
            return self._load(conn, existing["id"])
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM orders").fetchone()[0]
        conn.execute(
            "INSERT INTO orders (id, number, created_at, currency, subtotal, tax, total, payment_intent, cart_uuid,"
            " card_brand, card_last4, tax_by_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (next_id, f"{next_id:06d}", order.created_at, order.currency, order.subtotal, order.tax, order.total,
             order.payment_intent, order.cart_uuid, order.card_brand, order.card_last4,
             json.dumps([list(p) for p in order.tax_by_rate])))
        conn.executemany(
            "INSERT INTO order_lines (order_id, position, sku, name, qty, unit_price, line_total, tax_rate_bp)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(next_id, pos, l.sku, l.name, l.qty, l.unit_price, l.line_total, l.tax_rate_bp)
             for pos, l in enumerate(order.lines, 1)])
        return self._load(conn, next_id)

    def _load(self, conn, order_id: int) -> Order | None:
        row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            return None
        lines = tuple(OrderLine(r["sku"], r["name"], r["qty"], r["unit_price"], r["line_total"], r["tax_rate_bp"])
                      for r in conn.execute("SELECT * FROM order_lines WHERE order_id = ? ORDER BY position",
                                            (order_id,)))
        return Order(number=row["number"], created_at=row["created_at"], currency=row["currency"], lines=lines,
                     subtotal=row["subtotal"], tax=row["tax"], total=row["total"],
                     payment_intent=row["payment_intent"], cart_uuid=row["cart_uuid"],
                     card_brand=row["card_brand"], card_last4=row["card_last4"], refunded=row["refunded"],
                     id=row["id"], tax_by_rate=tuple(tuple(p) for p in json.loads(row["tax_by_rate"])))

    def get(self, order_id: int) -> Order | None:
        with self._db.lock:
            return self._load(self._db.conn, order_id)

    def _ids(self, sql: str, params=()) -> list[Order]:
        with self._db.lock:
            return [self._load(self._db.conn, r[0]) for r in self._db.conn.execute(sql, params).fetchall()]

    def by_number(self, number: str) -> Order | None:
        found = self._ids("SELECT id FROM orders WHERE number = ?", (number.strip().zfill(6),))
        return found[0] if found else None

    def by_intent(self, payment_intent: str) -> Order | None:
        found = self._ids("SELECT id FROM orders WHERE payment_intent = ?", (payment_intent,))
        return found[0] if found else None

    def recent(self, limit: int = 50, offset: int = 0) -> list[Order]:
        return self._ids("SELECT id FROM orders ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", (limit, offset))

    def between(self, start: int, end: int) -> list[Order]:
        """Orders created in [start, end) (unix seconds), oldest first."""
        return self._ids("SELECT id FROM orders WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id",
                         (start, end))

    def search(self, text: str, currency: str, limit: int = 200) -> list[Order]:
        """Orders matching what a cashier typed (number, amount, day, PI id, last4; see
        order_search.py), newest first; the most recent ones for empty text."""
        from pos_app.store.order_search import search_query
        if not text.strip():
            return self.recent(limit)
        query = search_query(text, currency, limit)
        return self._ids(*query) if query else []

    def count(self) -> int:
        return self._db.query_one("SELECT count(*) FROM orders")[0]

    # -- refunds -------------------------------------------------------------------------------

    def begin_refund(self, order_id: int, amount: int, reason: str | None, lines: list | None = None) -> RefundRecord:
        """Reserve a refund of `amount` (pending) with the order's next sequence number.

        Refused if it would take the order's refunds (succeeded + pending) above what was paid.
        """
        with self._db.transaction() as conn:
            order = conn.execute("SELECT total, currency, number, payment_intent FROM orders WHERE id = ?",
                                 (order_id,)).fetchone()
            if order is None:
                raise RefundRefused(f"no order {order_id}")
            taken = conn.execute("SELECT coalesce(sum(amount), 0) FROM refunds WHERE order_id = ?"
                                 " AND status IN ('pending', 'processing', 'succeeded')", (order_id,)).fetchone()[0]
            if amount <= 0:
                raise RefundRefused("a refund must be a positive amount")
            if amount > order["total"] - taken:
                raise RefundRefused(f"order {order['number']} has {order['total'] - taken} left to refund; "
                                    f"{amount} is more than that")
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM refunds WHERE order_id = ?",
                               (order_id,)).fetchone()[0]
            # Unique across tills and reinstalls on one Stripe account (order numbers are not).
            key = f"refund-{order['payment_intent']}-{seq}"
            refund_row = conn.execute(
                "INSERT INTO refunds (order_id, seq, idempotency_key, amount, currency, reason, status, lines,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (order_id, seq, key, amount, order["currency"], reason, json.dumps(lines or []), now())).lastrowid
        return self.refund(refund_row)

    def finish_refund(self, refund_row: int, *, status: str, refund_id: str | None = None,
                      failure_reason: str | None = None) -> RefundRecord:
        """Move a refund on: pending -> processing | succeeded | failed; processing -> succeeded |
        failed; succeeded -> failed (Stripe can fail a refund after it succeeded). The order's
        refunded amount counts succeeded refunds only, and follows every move exactly once."""
        allowed = {"pending": {"processing", "succeeded", "failed"}, "processing": {"succeeded", "failed"},
                   "succeeded": {"failed"}}
        with self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM refunds WHERE id = ?", (refund_row,)).fetchone()
            if status in allowed.get(row["status"], ()):
                conn.execute("UPDATE refunds SET status = ?, refund_id = coalesce(?, refund_id),"
                             " failure_reason = coalesce(?, failure_reason) WHERE id = ?",
                             (status, refund_id, failure_reason, refund_row))
                change = (status == "succeeded") - (row["status"] == "succeeded")
                if change:
                    conn.execute("UPDATE orders SET refunded = refunded + ? WHERE id = ?",
                                 (change * row["amount"], row["order_id"]))
        return self.refund(refund_row)

    def refund(self, refund_row: int) -> RefundRecord:
        return RefundRecord.from_row(self._db.query_one("SELECT * FROM refunds WHERE id = ?", (refund_row,)))

    def refunds_for(self, order_id: int) -> list[RefundRecord]:
        return [RefundRecord.from_row(r) for r in
                self._db.query("SELECT * FROM refunds WHERE order_id = ? ORDER BY seq", (order_id,))]

    def refunds_between(self, start: int, end: int) -> list[RefundRecord]:
        return [RefundRecord.from_row(r) for r in self._db.query(
            "SELECT * FROM refunds WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id", (start, end))]

    def pending_refunds(self) -> list[RefundRecord]:
        return [RefundRecord.from_row(r) for r in self._db.query("SELECT * FROM refunds WHERE status = 'pending'")]

    def processing_refunds(self, order_id: int | None = None) -> list[RefundRecord]:
        """Refunds Stripe answered 'pending': followed up until succeeded or failed."""
        where, params = ("AND order_id = ?", (order_id,)) if order_id is not None else ("", ())
        return [RefundRecord.from_row(r) for r in self._db.query(
            f"SELECT * FROM refunds WHERE status = 'processing' {where} ORDER BY id", params)]
