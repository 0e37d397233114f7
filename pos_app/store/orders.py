"""Orders (paid sales) and their refunds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pos_app.domain.order import Order, OrderDiscount, OrderLine
from pos_app.domain.refunds import RefundedLine
from pos_app.domain.statuses import LIVE_REFUNDS, RefundStatus
from pos_app.errors import RefundRefused
from pos_app.i18n import _
from pos_app.store.db import Database, now
from pos_app.store.journal import Journal
from pos_app.store.journal_events import sale_event
from pos_app.store.sql import any_of, locking_row
from pos_app.store.till_rows import next_receipt_number

#: How a refund may move on: pending -> processing | succeeded | failed; processing -> succeeded |
#: failed; succeeded -> failed (Stripe can fail a refund after it succeeded).
REFUND_MOVES = {RefundStatus.PENDING: {RefundStatus.PROCESSING, RefundStatus.SUCCEEDED, RefundStatus.FAILED},
                RefundStatus.PROCESSING: {RefundStatus.SUCCEEDED, RefundStatus.FAILED},
                RefundStatus.SUCCEEDED: {RefundStatus.FAILED}}

#: The till a refund row was made at: its shift's, else (no shift was open) its order's.
REFUND_TILL = ("SELECT coalesce(s.terminal_id, o.till) FROM orders o LEFT JOIN shifts s ON s.id = refunds.shift_id"
               " WHERE o.id = refunds.order_id")


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
    status: RefundStatus
    lines: list[RefundedLine]  # for per-line refunds; [] for an amount
    created_at: int
    failure_reason: str | None = None
    tender_id: int | None = None  # the tender it went back to (a sale paid by tenders), else None
    group_id: int | None = None  # the first row of the refund this row is part of; None on that row
    shift_id: int | None = None  # the shift it was made in (None: no shift was open, or made before shifts)
    request_key: str | None = None  # the client's Idempotency-Key (HTTP), on a group's first row
    till: str = ""  # the till that made it (its reconcile retries it if its answer was lost)

    @property
    def group(self) -> int:
        """The refund this row belongs to: rows split over a sale's tenders share it (the first row's id)."""
        return self.id if self.group_id is None else self.group_id

    @property
    def out_of_drawer(self) -> bool:
        """Paid out in cash: a cash refund succeeds at once without the card processor, while a card
        refund that succeeded always has the processor's refund id."""
        return self.status == RefundStatus.SUCCEEDED and self.refund_id is None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RefundRecord:
        return cls(row["id"], row["order_id"], row["seq"], row["idempotency_key"], row["refund_id"],
                   row["amount"], row["currency"], row["reason"], RefundStatus(row["status"]),
                   cast(list[RefundedLine], json.loads(row["lines"])), row["created_at"], row["failure_reason"],
                   row["tender_id"], row["group_id"], row["shift_id"], row["request_key"], row["till"])


class OrderBook:
    """The orders and refunds tables. Writes join a unit of work when one is open (unit_of_work.py)."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    # -- orders --------------------------------------------------------------------------------

    def record(self, order: Order) -> Order:
        """Insert the order (in the sale's unit of work); an order already recorded for the same
        PaymentIntent is returned as it is (so finalizing twice records one sale)."""
        with self._db.transaction() as conn:
            existing = conn.execute("SELECT id FROM orders WHERE payment_intent = ?",
                                    (order.payment_intent,)).fetchone()
            order_id = existing["id"] if existing else self._insert(conn, order)
            recorded = self._load(conn, order_id)
            if recorded is None:  # just read in the same transaction: cannot happen
                raise LookupError(f"order {order_id} is missing")
            if not existing:
                self._journal.append("sale", sale_event(recorded))
        return recorded

    def _insert(self, conn: sqlite3.Connection, order: Order) -> int:
        number = next_receipt_number(conn, self._journal.till)
        next_id = int(conn.execute(
            "INSERT INTO orders (till, number, created_at, currency, subtotal, tax, total, payment_intent, cart_uuid,"
            " card_brand, card_last4, tax_by_rate, order_discount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (self._journal.till, number, order.created_at, order.currency, order.subtotal, order.tax, order.total,
             order.payment_intent, order.cart_uuid, order.card_brand, order.card_last4,
             json.dumps([list(p) for p in order.tax_by_rate]), _discount_json(order.order_discount))).fetchone()[0])
        conn.executemany(
            "INSERT INTO order_lines (order_id, position, sku, name, qty, unit_price, line_total, tax_rate_bp,"
            " line_discount, order_share, discount_reason, list_price, override_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(next_id, pos, l.sku, l.name, l.qty, l.unit_price, l.line_total, l.tax_rate_bp, l.line_discount,
              l.order_share, l.discount_reason, l.list_price, l.override_reason)
             for pos, l in enumerate(order.lines, 1)])
        return next_id

    def _load(self, conn: sqlite3.Connection, order_id: int) -> Order | None:
        found = self._load_many(conn, [order_id])
        return found[0] if found else None

    @staticmethod
    def _load_many(conn: sqlite3.Connection, order_ids: Sequence[int]) -> list[Order]:
        """The orders with these ids, in that order: two queries however many (a day's report
        reads a thousand; one query per order was its N+1). The ids go in as one JSON array, so
        there is no limit on how many. Columns are read by position, in the order the domain's
        fields are (a row read by name costs a Python call a field on PostgreSQL: the day report
        spent a third of its time there)."""
        by_id, ids = any_of(conn, "id", order_ids)
        # fetchall(): psycopg makes the rows in one C loop (iterating its cursor is a Python call a row)
        found = conn.execute(f"SELECT {ORDER_COLUMNS} FROM orders WHERE {by_id}", (ids,)).fetchall()
        rows = {r[ORDER_ID]: r for r in found}
        lines: dict[int, list[OrderLine]] = {}
        by_order, _ids = any_of(conn, "order_id", order_ids)
        for order_id, *fields in conn.execute(f"SELECT order_id, {LINE_COLUMNS} FROM order_lines WHERE {by_order}"
                                              " ORDER BY order_id, position", (ids,)).fetchall():
            lines.setdefault(order_id, []).append(OrderLine(*fields))
        return [_order_of(rows[i], tuple(lines.get(i, ()))) for i in order_ids if i in rows]

    def get(self, order_id: int) -> Order | None:
        with self._db.lock:
            return self._load(self._db.conn, order_id)

    def _ids(self, sql: str, params: Sequence[object] = ()) -> list[Order]:
        """The orders whose ids `sql` selects, in its order."""
        with self._db.lock:
            ids = [r[0] for r in self._db.query(sql, params)]
            return self._load_many(self._db.conn, ids)

    def by_number(self, number: str) -> Order | None:
        """The order with this receipt number: as printed ("T02-000123", "t02-123": that till's
        series), or its digits alone ("123", "#123", "000123"): this till's, else the one till's
        that has it (None when several other tills do: the cashier types the series then)."""
        from pos_app.store.order_search import numbered, placeholders, receipt_number
        reading = receipt_number(number)
        if reading is None:
            return None
        series, digits = reading
        if series is not None:
            found = self._ids("SELECT id FROM orders WHERE number = ?", (f"{series}-{digits}",))
            return found[0] if found else None
        numbers = numbered(digits, self._series_prefixes())
        rows = self._db.query(f"SELECT id, till FROM orders WHERE number IN ({placeholders(numbers)})"
                              " ORDER BY (till = ?) DESC, number LIKE '%-%' DESC", (*numbers, self._journal.till))
        if not rows or (rows[0]["till"] != self._journal.till and len(rows) > 1):
            return None
        return self.get(rows[0]["id"])

    def _series_prefixes(self) -> list[str]:
        from pos_app.store.order_search import SERIES_PREFIXES
        return [row[0] for row in self._db.query(SERIES_PREFIXES)]

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
        query = search_query(text, currency, limit, self._journal.till, self._series_prefixes())
        return self._ids(*query) if query else []

    def count(self) -> int:
        return self._db.count("SELECT count(*) FROM orders")

    # -- refunds -------------------------------------------------------------------------------

    def hold(self, order_id: int) -> None:
        """Lock the order's row until the open transaction (a unit of work) ends: another till's
        refund of it waits, then sees this one's rows (PostgreSQL; SQLite's writers take turns)."""
        with self._db.transaction() as conn:
            conn.execute("SELECT id FROM orders WHERE id = ?" + locking_row(conn), (order_id,))

    def begin_refund(self, order_id: int, amount: int, reason: str | None,
                     lines: list[RefundedLine] | None = None, *, tender_id: int | None = None,
                     group_id: int | None = None, shift_id: int | None = None,
                     request_key: str | None = None) -> RefundRecord:
        """Reserve a refund of `amount` (pending) with the order's next sequence number (going back
        to `tender_id`, for a sale paid by tenders; a further row of the refund whose first row is
        `group_id`), made in shift `shift_id`, for the client's `request_key` if any.

        Refused if it would take the order's refunds (succeeded + pending) above what was paid.
        """
        with self._db.transaction() as conn:
            # The order's row is locked first: a second till refunding it at once waits here and
            # then reads what this one reserved (PostgreSQL; SQLite's writers are one at a time).
            order = conn.execute("SELECT total, currency, number, payment_intent, cart_uuid FROM orders WHERE id = ?"
                                 + locking_row(conn), (order_id,)).fetchone()
            if order is None:
                raise RefundRefused(_("no order {order_id}").format(order_id=order_id))
            live = ", ".join(f"'{status}'" for status in sorted(LIVE_REFUNDS))
            taken = conn.execute(f"SELECT coalesce(sum(amount), 0) FROM refunds WHERE order_id = ?"
                                 f" AND status IN ({live})", (order_id,)).fetchone()[0]
            if amount <= 0:
                raise RefundRefused(_("a refund must be a positive amount"))
            if amount > order["total"] - taken:
                raise RefundRefused(_("order {order} has {value} left to refund; {amount} is more than that").format(
                    order=order['number'], value=order['total'] - taken, amount=amount))
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM refunds WHERE order_id = ?",
                               (order_id,)).fetchone()[0]
            # Unique across tills and reinstalls on one Stripe account (order numbers are not); a
            # sale paid by tenders has no PaymentIntent of its own, its cart's UUID is as unique.
            key = f"refund-{order['payment_intent'] or order['cart_uuid']}-{seq}"
            cursor = conn.execute(
                "INSERT INTO refunds (order_id, seq, idempotency_key, amount, currency, reason, status, lines,"
                " created_at, tender_id, group_id, shift_id, request_key, till)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (order_id, seq, key, amount, order["currency"], reason, RefundStatus.PENDING,
                 json.dumps(lines or []), now(), tender_id, group_id, shift_id, request_key, self._journal.till))
            refund_row = int(cursor.fetchone()[0])
            self._journal.append("refund", {
                "refund": refund_row, "order": order["number"], "amount": amount, "currency": order["currency"],
                "reason": reason, "tender": tender_id, "group": group_id, "shift": shift_id,
                "lines": [dict(line) for line in lines or []]})
        return self.refund(refund_row)

    def finish_refund(self, refund_row: int, *, status: RefundStatus, refund_id: str | None = None,
                      failure_reason: str | None = None) -> RefundRecord:
        """Move a refund on (REFUND_MOVES; any other move is ignored). The order's refunded amount
        counts succeeded refunds only, and follows every move exactly once."""
        with self._db.transaction() as conn:
            # Locked: two tills settling one refund at once (one's reconcile, the other's retry) move it once.
            row = conn.execute("SELECT * FROM refunds WHERE id = ?" + locking_row(conn), (refund_row,)).fetchone()
            if status in REFUND_MOVES.get(RefundStatus(row["status"]), ()):
                conn.execute("UPDATE refunds SET status = ?, refund_id = coalesce(?, refund_id),"
                             " failure_reason = coalesce(?, failure_reason) WHERE id = ?",
                             (status, refund_id, failure_reason, refund_row))
                self._journal.append("refund_status", {"refund": refund_row, "from": row["status"],
                                                       "to": str(status), "refund_id": refund_id})
                change = (status == RefundStatus.SUCCEEDED) - (row["status"] == RefundStatus.SUCCEEDED)
                if change:
                    conn.execute("UPDATE orders SET refunded = refunded + ? WHERE id = ?",
                                 (change * row["amount"], row["order_id"]))
        return self.refund(refund_row)

    def refund(self, refund_row: int) -> RefundRecord:
        found = self._refunds("id = ?", (refund_row,))
        if not found:
            raise LookupError(f"no refund row {refund_row}")
        return found[0]

    def _refunds(self, where: str, params: Sequence[object] = (), order: str = "id") -> list[RefundRecord]:
        return [RefundRecord.from_row(r) for r in
                self._db.query(f"SELECT * FROM refunds WHERE {where} ORDER BY {order}", params)]

    def refunds_for(self, order_id: int) -> list[RefundRecord]:
        return self._refunds("order_id = ?", (order_id,), order="seq")

    def refund_group(self, group: int) -> list[RefundRecord]:
        """The rows of one refund (its first row's id): one per tender it went back to."""
        return self._refunds("id = ? OR group_id = ?", (group, group))

    def by_request_key(self, request_key: str) -> RefundRecord | None:
        """The first row of the refund a client's request with this Idempotency-Key made, if any."""
        found = self._refunds("request_key = ?", (request_key,))
        return found[0] if found else None

    def refunds_between(self, start: int, end: int) -> list[RefundRecord]:
        return self._refunds("created_at >= ? AND created_at < ?", (start, end), order="created_at, id")

    def refunds_of_shift(self, shift_id: int, opened_at: int, after_id: int) -> list[RefundRecord]:
        """The refunds made in shift `shift_id`; a row from before refunds knew their shift (shift_id
        NULL) by the older rule: made after the shift opened and after the previous shift's last refund."""
        return self._refunds("shift_id = ? OR (shift_id IS NULL AND created_at >= ? AND id > ?)",
                             (shift_id, opened_at, after_id))

    def pending_refunds(self) -> list[RefundRecord]:
        """This till's refunds reserved but not answered: another till's may be on their way there."""
        return self._refunds("till = ? AND status = ?", (self._journal.till, RefundStatus.PENDING))

    def processing_refunds(self, order_id: int | None = None) -> list[RefundRecord]:
        """Refunds Stripe answered 'pending': followed up until succeeded or failed (all of this
        till's, or one order's whoever made them)."""
        if order_id is None:
            return self._refunds("till = ? AND status = ?", (self._journal.till, RefundStatus.PROCESSING))
        return self._refunds("status = ? AND order_id = ?", (RefundStatus.PROCESSING, order_id))

    # -- one till's part, when tills share the database (reports, X and Z) ------------------------

    def of_till_between(self, till: str, start: int, end: int) -> list[Order]:
        """Till `till`'s orders created in [start, end), oldest first."""
        return self._ids("SELECT id FROM orders WHERE till = ? AND created_at >= ? AND created_at < ?"
                         " ORDER BY created_at, id", (till, start, end))

    def of_terminal_between(self, terminal: str, start: int, end: int) -> list[Order]:
        """The orders terminal `terminal` took in [start, end), oldest first (its shift's): on a shop's
        shared database those its till recorded; a till's own SQLite file is all one till's, whatever
        its terminal has been called (every order, as before tills had names)."""
        if self._db.dialect == "sqlite":
            return self.between(start, end)
        return self.of_till_between(terminal, start, end)

    def refunds_of_till_between(self, till: str, start: int, end: int) -> list[RefundRecord]:
        """The refunds made at till `till` in [start, end): in one of its shifts, or, made outside
        any shift, of one of its orders. Each refund is one till's: the shop's add up."""
        return self._refunds(f"created_at >= ? AND created_at < ? AND ({REFUND_TILL}) = ?", (start, end, till),
                             order="created_at, id")

    def tills_between(self, start: int, end: int) -> list[str]:
        """The tills with an order or a refund in [start, end), by name."""
        rows = self._db.query(f"SELECT till FROM orders WHERE created_at >= ? AND created_at < ? UNION"
                              f" SELECT ({REFUND_TILL}) FROM refunds WHERE created_at >= ? AND created_at < ?"
                              " ORDER BY 1", (start, end, start, end))
        return [str(r[0]) for r in rows]


#: The columns _order_of reads, in Order's field order (its lines come in after the currency); the
#: lines' are OrderLine's fields in their order.
ORDER_COLUMNS = ("number, created_at, currency, subtotal, tax, total, payment_intent, cart_uuid, card_brand,"
                 " card_last4, refunded, id, tax_by_rate, order_discount")
ORDER_ID = 11
LINE_COLUMNS = ("sku, name, qty, unit_price, line_total, tax_rate_bp, line_discount, order_share, discount_reason,"
                " list_price, override_reason")


def _order_of(row: Any, lines: tuple[OrderLine, ...]) -> Order:
    (number, created_at, currency, subtotal, tax, total, payment_intent, cart_uuid, card_brand, card_last4,
     refunded, order_id, tax_by_rate, order_discount) = row
    return Order(number, created_at, currency, lines, subtotal, tax, total, payment_intent, cart_uuid, card_brand,
                 card_last4, refunded, order_id, tuple(tuple(p) for p in json.loads(tax_by_rate)),
                 _discount(order_discount))


def _discount_json(discount: OrderDiscount | None) -> str | None:
    if discount is None:
        return None
    return json.dumps({"kind": discount.kind, "value": discount.value, "reason": discount.reason,
                       "amount": discount.amount})


def _discount(text: str | None) -> OrderDiscount | None:
    if not text:
        return None
    data = json.loads(text)
    return OrderDiscount(data["kind"], data["value"], data["reason"], data["amount"])
