"""The review list: payments that went through but can't be recorded as a sale, for a manager.

Two reasons: 'mismatch' (paid with another amount, currency or cart than the ledger expected) and
'paid_after_void' (the customer's payment landed after the cashier had cleared their cart). Such a
payment used to block every later charge; now its ledger row is closed into this list in the same
transaction (nothing about it is lost), selling goes on, and a manager refunds it from here.
"""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass

from pos_app.i18n import N_, _
from pos_app.store.db import Database, now
from pos_app.store.journal import Journal


class ReviewReason(enum.StrEnum):
    MISMATCH = "mismatch"
    PAID_AFTER_VOID = "paid_after_void"


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    REFUNDING = "refunding"  # asked; or Stripe answered 'pending' and it is followed up
    REFUNDED = "refunded"



@dataclass(frozen=True)
class ReviewItem:
    id: int
    payment_intent: str
    ledger_id: int | None
    cart_uuid: str
    reason: ReviewReason
    details: str
    amount: int  # what the customer paid, in the till's minor units
    currency: str
    card_brand: str | None
    card_last4: str | None
    status: ReviewStatus
    refund_id: str | None
    created_at: int

    @property
    def refund_key(self) -> str:
        """One idempotency key per reviewed payment: a retried refund never refunds twice."""
        return f"review-refund-{self.payment_intent}"

    @property
    def reason_text(self) -> str:
        texts = {ReviewReason.MISMATCH: N_("paid with another amount or cart than the till asked for"),
                 ReviewReason.PAID_AFTER_VOID: N_("paid after its cart was cleared")}
        return _(texts[self.reason]) if self.reason in texts else self.reason

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ReviewItem:
        return cls(row["id"], row["payment_intent"], row["ledger_id"], row["cart_uuid"], ReviewReason(row["reason"]),
                   row["details"], row["amount"], row["currency"], row["card_brand"], row["card_last4"],
                   ReviewStatus(row["status"]), row["refund_id"], row["created_at"])


class ReviewList:
    """The payment_reviews table. add() joins the unit of work that closes the ledger row."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    def add(self, *, payment_intent: str, ledger_id: int | None, cart_uuid: str, reason: ReviewReason,
            details: str, amount: int, currency: str, card_brand: str | None,
            card_last4: str | None) -> None:
        """In the unit of work that closes the ledger row; once per payment."""
        stamp = now()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO payment_reviews (payment_intent, ledger_id, cart_uuid, reason, details, amount,"
                " currency, card_brand, card_last4, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payment_intent) DO NOTHING",
                (payment_intent, ledger_id, cart_uuid, reason, details, amount, currency, card_brand,
                 card_last4, ReviewStatus.OPEN, stamp, stamp))
            if cursor.rowcount:
                self._journal.append("payment_review", {
                    "payment_intent": payment_intent, "cart_uuid": cart_uuid, "reason": str(reason),
                    "amount": amount, "currency": currency, "card_brand": card_brand, "card_last4": card_last4})

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
        return self._db.count("SELECT COUNT(*) FROM payment_reviews WHERE status != 'refunded'")

    def set_status(self, review_id: int, status: ReviewStatus, refund_id: str | None = None) -> ReviewItem:
        with self._db.transaction() as conn:
            conn.execute("UPDATE payment_reviews SET status = ?, refund_id = COALESCE(?, refund_id),"
                         " updated_at = ? WHERE id = ?", (status, refund_id, now(), review_id))
        item = self.get(review_id)
        if item is None:
            raise LookupError(f"no payment {review_id} on the review list")
        return item
