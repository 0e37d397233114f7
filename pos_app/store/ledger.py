"""The payment ledger: one row per PaymentIntent the till created (or is about to create).

A row is written BEFORE the intent is created at Stripe (status 'creating', no PI id yet), so a
crash anywhere after that leaves a trace that start-up reconciliation follows up. The snapshot is
the priced cart that was charged (ChargeSnapshot): the order is recorded from it, never from a
later cart.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pos_app.domain.order import OrderDiscount, OrderLine
from pos_app.domain.pricing import Totals
from pos_app.domain.statuses import PaymentStatus
from pos_app.store.db import Database, now

if TYPE_CHECKING:
    from pos_app.store.cart_snapshot import CartSnapshot

#: A line's keys besides the six every row has: written only when the line has terms, so the JSON of
#: a sale without discounts or overrides is what it always was.
TERM_KEYS = ("line_discount", "order_share", "discount_reason", "list_price", "override_reason")
_NO_TERMS = OrderLine("", "", 0, 0, 0, 0)


@dataclass(frozen=True)
class ChargeSnapshot:
    """What a ledger row charges: the priced lines and totals, and the create parameters (metadata
    and description), all a pure function of the cart revision. Stored as JSON in its row."""

    lines: tuple[OrderLine, ...]
    subtotal: int
    tax: int
    total: int
    tax_by_rate: tuple[tuple[int, int], ...] = ()  # (rate_bp, tax) pairs
    metadata: Mapping[str, str] = field(default_factory=dict, hash=False)
    description: str = ""
    order_discount: OrderDiscount | None = None

    @classmethod
    def of(cls, totals: Totals, *, metadata: Mapping[str, str], description: str) -> ChargeSnapshot:
        lines = tuple(OrderLine(p.sku, p.name, p.qty, p.unit_price.amount, p.line_total.amount, p.tax_rate_bp)
                      for p in totals.lines)
        return cls(lines, totals.subtotal.amount, totals.tax.amount, totals.total.amount,
                   tuple((rate, money.amount) for rate, money in totals.tax_by_rate.items()),
                   dict(metadata), description)

    @classmethod
    def of_cart(cls, snap: CartSnapshot, *, metadata: Mapping[str, str], description: str) -> ChargeSnapshot:
        """A cart's charge, its lines as the sale records them (discounts, overrides and reasons)."""
        totals = snap.totals
        return cls(snap.sold_lines(), totals.subtotal.amount, totals.tax.amount, totals.total.amount,
                   tuple((rate, money.amount) for rate, money in totals.tax_by_rate.items()),
                   dict(metadata), description, snap.sold_order_discount())

    @property
    def paid_lines(self) -> dict[str, int]:
        """sku -> qty of what this charge pays for."""
        return {line.sku: line.qty for line in self.lines}

    def to_json(self) -> str:
        """The row's JSON; the keys are those rows have always had (no stored row changes)."""
        data: dict[str, Any] = {
            "lines": [_line_json(l) for l in self.lines],
            "subtotal": self.subtotal, "tax": self.tax, "total": self.total,
            "tax_by_rate": [list(pair) for pair in self.tax_by_rate],
            "metadata": dict(self.metadata), "description": self.description,
        }
        if self.order_discount is not None:
            d = self.order_discount
            data["order_discount"] = {"kind": d.kind, "value": d.value, "reason": d.reason, "amount": d.amount}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ChargeSnapshot:
        data: dict[str, Any] = json.loads(text)
        lines = tuple(OrderLine(l["sku"], l["name"], l["qty"], l["unit_price"], l["line_total"], l["tax_rate_bp"],
                                *(l.get(key, getattr(_NO_TERMS, key)) for key in TERM_KEYS))
                      for l in data.get("lines", []))
        order = data.get("order_discount")
        return cls(lines, data.get("subtotal", 0), data.get("tax", 0), data.get("total", 0),
                   tuple((rate, tax) for rate, tax in data.get("tax_by_rate", [])),
                   dict(data.get("metadata", {})), data.get("description", ""),
                   OrderDiscount(order["kind"], order["value"], order["reason"], order["amount"]) if order else None)


def _line_json(line: OrderLine) -> dict[str, object]:
    data: dict[str, object] = {"sku": line.sku, "name": line.name, "qty": line.qty, "unit_price": line.unit_price,
                               "line_total": line.line_total, "tax_rate_bp": line.tax_rate_bp}
    data.update({key: getattr(line, key) for key in TERM_KEYS if getattr(line, key) != getattr(_NO_TERMS, key)})
    return data


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    cart_id: int
    cart_uuid: str
    idempotency_key: str
    payment_intent: str | None
    amount: int
    currency: str
    status: PaymentStatus
    final: bool
    snapshot: ChargeSnapshot
    created_at: int
    updated_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> LedgerEntry:
        return cls(row["id"], row["cart_id"], row["cart_uuid"], row["idempotency_key"], row["payment_intent"],
                   row["amount"], row["currency"], PaymentStatus(row["status"]), bool(row["final"]),
                   ChargeSnapshot.from_json(row["snapshot"]), row["created_at"], row["updated_at"])


class PaymentLedger:
    """The payments table. Writes join a unit of work when one is open (store/unit_of_work.py).

    Rows are read by id, key or PaymentIntent from any till (a refund finds the sale's row); the
    scans a till follows up (`unfinished`) are its own carts' only: on a shop's database another
    till's payment in flight is that till's to finish or cancel."""

    def __init__(self, db: Database, till: str) -> None:
        self._db, self.till = db, till

    def _one(self, where: str, params: tuple[object, ...]) -> LedgerEntry | None:
        row = self._db.query_one(f"SELECT * FROM payments WHERE {where}", params)
        return LedgerEntry.from_row(row) if row else None

    def _many(self, where: str, params: tuple[object, ...] = ()) -> list[LedgerEntry]:
        rows = self._db.query(f"SELECT * FROM payments WHERE {where} ORDER BY id", params)
        return [LedgerEntry.from_row(r) for r in rows]

    def _existing(self, entry: LedgerEntry | None, what: str) -> LedgerEntry:
        if entry is None:  # just written in a committed transaction: cannot happen
            raise LookupError(f"ledger row {what} is missing")
        return entry

    def begin(self, *, cart_id: int, cart_uuid: str, idempotency_key: str, amount: int, currency: str,
              snapshot: ChargeSnapshot) -> LedgerEntry:
        """Record the intent we are about to create; returns the existing row for a known key."""
        stamp = now()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO payments (cart_id, cart_uuid, idempotency_key, amount, currency, status,"
                " snapshot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                (cart_id, cart_uuid, idempotency_key, amount, currency, PaymentStatus.CREATING,
                 snapshot.to_json(), stamp, stamp))
        return self._existing(self.by_key(idempotency_key), idempotency_key)

    def attach_intent(self, entry_id: int, payment_intent: str, status: PaymentStatus) -> LedgerEntry:
        with self._db.transaction() as conn:
            conn.execute("UPDATE payments SET payment_intent = ?, status = ?, final = ?, updated_at = ? WHERE id = ?",
                         (payment_intent, status, int(PaymentStatus(status).final), now(), entry_id))
        return self._existing(self.get(entry_id), str(entry_id))

    def set_status(self, entry_id: int, status: PaymentStatus) -> None:
        """Update the status (joining the unit of work, e.g. the sale's, when one is open)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE payments SET status = ?, final = ?, updated_at = ? WHERE id = ?",
                         (status, int(PaymentStatus(status).final), now(), entry_id))

    def get(self, entry_id: int) -> LedgerEntry | None:
        return self._one("id = ?", (entry_id,))

    def by_key(self, idempotency_key: str) -> LedgerEntry | None:
        return self._one("idempotency_key = ?", (idempotency_key,))

    def by_intent(self, payment_intent: str) -> LedgerEntry | None:
        return self._one("payment_intent = ?", (payment_intent,))

    def open_for_cart(self, cart_id: int) -> list[LedgerEntry]:
        return self._many("final = 0 AND cart_id = ?", (cart_id,))

    def unfinished(self) -> list[LedgerEntry]:
        """This till's rows not in a final state (what its reconcile follows up)."""
        return self._many("final = 0 AND cart_id IN (SELECT id FROM carts WHERE till = ?)", (self.till,))

    def all(self) -> list[LedgerEntry]:
        return self._many("TRUE")  # PostgreSQL wants a boolean condition, not an integer
