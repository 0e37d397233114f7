"""The payment ledger: one row per PaymentIntent the till created (or is about to create).

A row is written BEFORE the intent is created at Stripe (status 'creating', no PI id yet), so a
crash anywhere after that leaves a trace that start-up reconciliation follows up. The snapshot is
the priced cart that was charged: the order is recorded from it, never from a later cart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pos_app.store.db import Database, now

#: 'review': paid, but not recordable as a sale; closed into the review list (store/reviews.py).
FINAL_STATUSES = frozenset({"succeeded", "canceled", "review"})


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    cart_id: int
    cart_uuid: str
    idempotency_key: str
    payment_intent: str | None
    amount: int
    currency: str
    status: str
    final: bool
    snapshot: dict[str, Any]
    created_at: int
    updated_at: int

    @classmethod
    def from_row(cls, row) -> LedgerEntry:
        return cls(row["id"], row["cart_id"], row["cart_uuid"], row["idempotency_key"], row["payment_intent"],
                   row["amount"], row["currency"], row["status"], bool(row["final"]),
                   json.loads(row["snapshot"]), row["created_at"], row["updated_at"])


class PaymentLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _one(self, where: str, params) -> LedgerEntry | None:
        row = self._db.query_one(f"SELECT * FROM payments WHERE {where}", params)
        return LedgerEntry.from_row(row) if row else None

    def _many(self, where: str, params=()) -> list[LedgerEntry]:
        rows = self._db.query(f"SELECT * FROM payments WHERE {where} ORDER BY id", params)
        return [LedgerEntry.from_row(r) for r in rows]

    def begin(self, *, cart_id: int, cart_uuid: str, idempotency_key: str, amount: int, currency: str,
              snapshot: dict[str, Any]) -> LedgerEntry:
        """Record the intent we are about to create; returns the existing row for a known key."""
        stamp = now()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO payments (cart_id, cart_uuid, idempotency_key, amount, currency, status,"
                " snapshot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'creating', ?, ?, ?)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                (cart_id, cart_uuid, idempotency_key, amount, currency, json.dumps(snapshot), stamp, stamp))
        return self.by_key(idempotency_key)

    def attach_intent(self, entry_id: int, payment_intent: str, status: str) -> LedgerEntry:
        with self._db.transaction() as conn:
            conn.execute("UPDATE payments SET payment_intent = ?, status = ?, final = ?, updated_at = ? WHERE id = ?",
                         (payment_intent, status, int(status in FINAL_STATUSES), now(), entry_id))
        return self._one("id = ?", (entry_id,))

    def set_status(self, entry_id: int, status: str, conn=None) -> None:
        """Update the status; `conn` joins a transaction already open (e.g. the sale's)."""
        sql = "UPDATE payments SET status = ?, final = ?, updated_at = ? WHERE id = ?"
        params = (status, int(status in FINAL_STATUSES), now(), entry_id)
        if conn is not None:
            conn.execute(sql, params)
            return
        with self._db.transaction() as c:
            c.execute(sql, params)

    def get(self, entry_id: int) -> LedgerEntry | None:
        return self._one("id = ?", (entry_id,))

    def by_key(self, idempotency_key: str) -> LedgerEntry | None:
        return self._one("idempotency_key = ?", (idempotency_key,))

    def by_intent(self, payment_intent: str) -> LedgerEntry | None:
        return self._one("payment_intent = ?", (payment_intent,))

    def open_for_cart(self, cart_id: int) -> list[LedgerEntry]:
        return self._many("final = 0 AND cart_id = ?", (cart_id,))

    def unfinished(self) -> list[LedgerEntry]:
        return self._many("final = 0")

    def all(self) -> list[LedgerEntry]:
        return self._many("1")
