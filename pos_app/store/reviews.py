"""The review list: payments that went through but can't be recorded as a sale, for a manager.

Two reasons: 'mismatch' (paid with another amount, currency or cart than the ledger expected) and
'paid_after_void' (the customer's payment landed after the cashier had cleared their cart). Such a
payment used to block every later charge; now its ledger row is closed into this list in the same
transaction (nothing about it is lost), selling goes on, and a manager refunds it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.store.db import Database, now

MISMATCH, PAID_AFTER_VOID = "mismatch", "paid_after_void"
OPEN, REFUNDING, REFUNDED = "open", "refunding", "refunded"


@dataclass(frozen=True)
class ReviewItem:
    id: int
    payment_intent: str
    ledger_id: int | None
    cart_uuid: str
    reason: str
    details: str
    amount: int  # what the customer paid, in the till's minor units
    currency: str
    card_brand: str | None
    card_last4: str | None
    status: str
    refund_id: str | None
    created_at: int

    @property
    def refund_key(self) -> str:
        """One idempotency key per reviewed payment: a retried refund never refunds twice."""
        return f"review-refund-{self.payment_intent}"

    @property
    def reason_text(self) -> str:
        return {MISMATCH: "paid with another amount or cart than the till asked for",
                PAID_AFTER_VOID: "paid after its cart was cleared"}.get(self.reason, self.reason)

    @classmethod
    def from_row(cls, row) -> ReviewItem:
        return cls(row["id"], row["payment_intent"], row["ledger_id"], row["cart_uuid"], row["reason"],
                   row["details"], row["amount"], row["currency"], row["card_brand"], row["card_last4"],
                   row["status"], row["refund_id"], row["created_at"])


class ReviewList:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, conn, *, payment_intent: str, ledger_id: int | None, cart_uuid: str, reason: str,
            details: str, amount: int, currency: str, card_brand: str | None,
            card_last4: str | None) -> None:
        """Inside the caller's transaction (the one that closes the ledger row); once per payment."""
        stamp = now()
        conn.execute(
            "INSERT INTO payment_reviews (payment_intent, ledger_id, cart_uuid, reason, details, amount,"
            " currency, card_brand, card_last4, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (payment_intent) DO NOTHING",
            (payment_intent, ledger_id, cart_uuid, reason, details, amount, currency, card_brand,
             card_last4, stamp, stamp))

    def get(self, review_id: int) -> ReviewItem | None:
        row = self._db.query_one("SELECT * FROM payment_reviews WHERE id = ?", (review_id,))
        return ReviewItem.from_row(row) if row else None

    def by_intent(self, payment_intent: str) -> ReviewItem | None:
        row = self._db.query_one("SELECT * FROM payment_reviews WHERE payment_intent = ?", (payment_intent,))
        return ReviewItem.from_row(row) if row else None

    def all(self, *, open_only: bool = False) -> list[ReviewItem]:
        where = "WHERE status != 'refunded'" if open_only else ""
        return [ReviewItem.from_row(r) for r in self._db.query(
            f"SELECT * FROM payment_reviews {where} ORDER BY id DESC")]

    def count_open(self) -> int:
        return self._db.query_one("SELECT COUNT(*) FROM payment_reviews WHERE status != 'refunded'")[0]

    def set_status(self, review_id: int, status: str, refund_id: str | None = None) -> ReviewItem:
        with self._db.transaction() as conn:
            conn.execute("UPDATE payment_reviews SET status = ?, refund_id = COALESCE(?, refund_id),"
                         " updated_at = ? WHERE id = ?", (status, refund_id, now(), review_id))
        return self.get(review_id)
