"""The tenders table: one row per cash or card part of a sale (repository; the rules are payments/tenders.py).

A row's status only moves by domain.tenders.move (read and written in one transaction), so no
caller can take a voided tender back to paid. Writes join a unit of work when one is open: a cash
tender commits with its cash movements and, when it completes the sale, with the order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from pos_app.domain.tenders import TenderKind, TenderStatus, move
from pos_app.store.db import Database, now
from pos_app.store.journal import Journal
from pos_app.store.journal_events import tender_event
from pos_app.store.ledger import ChargeSnapshot
from pos_app.store.sql import any_of


@dataclass(frozen=True)
class Tender:
    id: int
    cart_id: int
    cart_uuid: str  # the revision it pays (the cart is frozen while it lives)
    part: int  # 1, 2, … per cart, never reused: a card part's key is "<uuid>.part<n>"
    kind: TenderKind
    status: TenderStatus
    amount: int  # applied to the sale, minor units
    currency: str
    tendered: int | None  # cash handed over (cash only)
    change: int | None  # cash given back (cash only)
    payment_id: int | None  # the card part's ledger row (card only)
    payment_intent: str | None  # its PaymentIntent, once created
    order_id: int | None  # once the tenders covered the sale
    shift_id: int
    card_brand: str | None
    card_last4: str | None
    snapshot: ChargeSnapshot  # the priced cart the sale is for (the same on every tender of it)
    created_at: int
    reader_id: str | None = None  # the Terminal reader that took this card part (None: the card page)
    tip: int = 0  # the customer's tip on the reader, captured with `amount` but not part of the sale

    @property
    def card_present(self) -> bool:
        return self.reader_id is not None

    @property
    def received(self) -> int:
        """What the drawer kept of a cash tender (handed over less change); 0 for a card part."""
        return (self.tendered or 0) - (self.change or 0)

    @property
    def live(self) -> bool:
        return self.status.live

    @property
    def paid(self) -> bool:
        return self.status == TenderStatus.SUCCEEDED

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Tender:
        return cls(row["id"], row["cart_id"], row["cart_uuid"], row["part"], TenderKind(row["kind"]),
                   TenderStatus(row["status"]), row["amount"], row["currency"], row["tendered"],
                   row["change_given"], row["payment_id"], row["payment_intent"], row["order_id"],
                   row["shift_id"], row["card_brand"], row["card_last4"],
                   ChargeSnapshot.from_json(row["snapshot"]), row["created_at"], row["reader_id"], row["tip"])


_SELECT = ("SELECT tenders.*, payments.payment_intent FROM tenders"
           " LEFT JOIN payments ON payments.id = tenders.payment_id")


class TenderBook:
    """The tenders table. Writes join a unit of work when one is open (unit_of_work.py)."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    def add(self, *, cart_id: int, cart_uuid: str, kind: TenderKind, status: TenderStatus, amount: int,
            currency: str, shift_id: int, snapshot: ChargeSnapshot, tendered: int | None = None,
            change: int | None = None, payment_id: int | None = None, request_key: str | None = None,
            reader_id: str | None = None) -> Tender:
        """A new tender with the cart's next part number (and the client's idempotency key, if any)."""
        stamp = now()
        with self._db.transaction() as conn:
            part = conn.execute("SELECT coalesce(max(part), 0) + 1 FROM tenders WHERE cart_id = ?",
                                (cart_id,)).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO tenders (cart_id, cart_uuid, part, kind, status, amount, currency, tendered,"
                " change_given, payment_id, shift_id, snapshot, created_at, updated_at, request_key, reader_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (cart_id, cart_uuid, part, kind, status, amount, currency, tendered, change, payment_id,
                 shift_id, snapshot.to_json(), stamp, stamp, request_key, reader_id))
            tender = self._existing(conn, int(cursor.fetchone()[0]))
            self._journal.append("tender", tender_event(tender))
            return tender

    def by_request_key(self, request_key: str) -> Tender | None:
        """The tender a client's request with this Idempotency-Key made, if any."""
        row = self._db.query_one(f"{_SELECT} WHERE tenders.request_key = ?", (request_key,))
        return Tender.from_row(row) if row is not None else None

    def next_part(self, cart_id: int) -> int:
        row = self._db.query_one("SELECT coalesce(max(part), 0) + 1 FROM tenders WHERE cart_id = ?", (cart_id,))
        return int(row[0]) if row is not None else 1

    def set_status(self, tender_id: int, wanted: TenderStatus, *, card_brand: str | None = None,
                   card_last4: str | None = None, tip: int | None = None) -> Tender:
        """Move the tender on (domain.tenders.move: TenderMoveRefused for a step it does not have);
        a card part that succeeded keeps the card's brand and last four digits for the receipt, and
        a reader's part the customer's tip."""
        with self._db.transaction() as conn:
            current = self._existing(conn, tender_id)
            if current.status != wanted:
                conn.execute("UPDATE tenders SET status = ?, card_brand = coalesce(?, card_brand),"
                             " card_last4 = coalesce(?, card_last4), tip = coalesce(?, tip), updated_at = ?"
                             " WHERE id = ?",
                             (move(current.status, wanted), card_brand, card_last4, tip, now(), tender_id))
                event = {"tender": tender_id, "from": str(current.status), "to": str(wanted),
                         "card_brand": card_brand, "card_last4": card_last4}
                self._journal.append("tender_status", event | ({"tip": tip} if tip else {}))
            return self._existing(conn, tender_id)

    def attach_order(self, cart_id: int, order_id: int) -> None:
        """The sale is recorded: its paid tenders belong to the order."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE tenders SET order_id = ?, updated_at = ? WHERE cart_id = ? AND status = ?",
                         (order_id, now(), cart_id, TenderStatus.SUCCEEDED))

    def get(self, tender_id: int) -> Tender | None:
        return self._first("tenders.id = ?", (tender_id,))

    def by_payment(self, payment_id: int) -> Tender | None:
        return self._first("tenders.payment_id = ?", (payment_id,))

    def for_cart(self, cart_id: int) -> list[Tender]:
        return self._many("tenders.cart_id = ?", (cart_id,))

    def live_for_cart(self, cart_id: int) -> list[Tender]:
        return [t for t in self.for_cart(cart_id) if t.live]

    def for_order(self, order_id: int) -> list[Tender]:
        return self._many("tenders.order_id = ?", (order_id,))

    def of_previous_sale(self, cart_id: int) -> list[Tender]:
        """The tenders that paid the cart closed just before `cart_id`, if its sale was recorded from
        them ([] when that cart was voided or paid wholly by one card): what the customer display
        shows until the next sale starts."""
        return self._many("tenders.cart_id = (SELECT max(id) FROM carts WHERE id < ?"
                          " AND till = (SELECT till FROM carts WHERE id = ?)) AND tenders.order_id IS NOT NULL",
                          (cart_id, cart_id))

    def for_orders(self, order_ids: Sequence[int]) -> dict[int, list[Tender]]:
        """The tenders of these orders, by order, in one query (a day's report: no query per order)."""
        condition, ids = any_of(self._db, "tenders.order_id", order_ids)
        rows = self._db.query(f"{_SELECT} WHERE {condition} ORDER BY tenders.order_id, tenders.part", (ids,))
        found: dict[int, list[Tender]] = {}
        for row in rows:
            found.setdefault(row["order_id"], []).append(Tender.from_row(row))
        return found

    def pending(self) -> list[Tender]:
        """This till's pending tenders (another till's are in flight there: never this till's to move)."""
        return self._many("tenders.status = ? AND tenders.cart_id IN (SELECT id FROM carts WHERE till = ?)",
                          (TenderStatus.PENDING, self._journal.till))

    def _first(self, where: str, params: tuple[object, ...]) -> Tender | None:
        found = self._many(where, params)
        return found[0] if found else None

    def _many(self, where: str, params: tuple[object, ...]) -> list[Tender]:
        rows = self._db.query(f"{_SELECT} WHERE {where} ORDER BY tenders.part", params)
        return [Tender.from_row(r) for r in rows]

    @staticmethod
    def _existing(conn: sqlite3.Connection, tender_id: int | None) -> Tender:
        row = conn.execute(f"{_SELECT} WHERE tenders.id = ?", (tender_id,)).fetchone()
        if row is None:  # just written in this transaction: cannot happen
            raise LookupError(f"tender {tender_id} is missing")
        return Tender.from_row(row)
