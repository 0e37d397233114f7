"""CartRepository: the SQL of the active cart and parked ones, their lines and terms (carts, cart_lines, cart_terms).

CartService (cart_service.py) keeps the cart's state, lock and listeners and writes through this.
Every write joins the transaction already open (atomic(), or the sale's unit of work), so a
change of several rows commits or rolls back as one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pos_app.domain.discounts import Discount, DiscountKind, LineTerms
from pos_app.store.db import Database, now
from pos_app.store.journal import Journal

#: cart_terms' sku for the order discount (a real sku never is empty).
ORDER = ""


@dataclass(frozen=True)
class ActiveCart:
    """The one cart not closed, as stored."""

    id: int
    uuid: str
    lines: dict[str, int]  # sku -> qty, in the order they were added
    frozen: bool
    in_doubt: bool
    terms: dict[str, LineTerms]
    order_discount: Discount | None


@dataclass(frozen=True)
class ParkedCart:
    """A parked sale as the list shows it: its cart, label, who parked it and when, its lines and total then."""

    id: int
    uuid: str
    label: str
    parked_by: str | None
    parked_at: int
    lines: dict[str, int]
    total: int

    @property
    def line_count(self) -> int:
        return len(self.lines)


class CartRepository:
    """The carts of one till (the journal's: POS_TERMINAL_ID): tills sharing a database never see
    each other's active or parked carts."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal
        self._till = journal.till

    @property
    def generation(self) -> int:
        """The database's count of commits in doubt settled since it opened (pg_link.py; 0 on SQLite)."""
        return int(getattr(self._db, "generation", 0))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """The writes inside commit together (joining a transaction already open)."""
        with self._db.transaction():
            yield

    def active(self) -> ActiveCart | None:
        row = self._db.query_one("SELECT * FROM carts WHERE till = ? AND state IN ('open', 'frozen')", (self._till,))
        if row is None:
            return None
        lines = self._lines(row["id"])
        terms = {r["sku"]: _terms(r) for r in self._db.query("SELECT * FROM cart_terms WHERE cart_id = ?",
                                                              (row["id"],))}
        order = terms.pop(ORDER, LineTerms()).discount
        return ActiveCart(row["id"], row["uuid"], lines, row["state"] == "frozen", bool(row["in_doubt"]),
                          terms, order)

    def _lines(self, cart_id: int) -> dict[str, int]:
        return {r["sku"]: r["qty"] for r in self._db.query(
            "SELECT sku, qty FROM cart_lines WHERE cart_id = ? ORDER BY position", (cart_id,))}

    def start(self, uuid: str) -> int:
        """A new, empty, open cart; returns its id."""
        stamp = now()
        with self._db.transaction() as conn:
            return int(conn.execute("INSERT INTO carts (till, uuid, state, created_at, updated_at)"
                                    " VALUES (?, ?, 'open', ?, ?) RETURNING id",
                                    (self._till, uuid, stamp, stamp)).fetchone()[0])

    def set_uuid(self, cart_id: int, uuid: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE carts SET uuid = ?, updated_at = ? WHERE id = ?", (uuid, now(), cart_id))

    def set_line(self, cart_id: int, sku: str, qty: int, position: int) -> None:
        """One line's quantity (0 deletes it); a new line goes at `position`."""
        with self._db.transaction() as conn:
            if qty == 0:
                conn.execute("DELETE FROM cart_lines WHERE cart_id = ? AND sku = ?", (cart_id, sku))
                conn.execute("DELETE FROM cart_terms WHERE cart_id = ? AND sku = ?", (cart_id, sku))
            else:
                conn.execute("INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (?, ?, ?, ?)"
                             " ON CONFLICT (cart_id, sku) DO UPDATE SET qty = excluded.qty",
                             (cart_id, sku, qty, position))

    def set_lines(self, cart_id: int, lines: Mapping[str, int]) -> None:
        """Every line at once, in the order given."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM cart_lines WHERE cart_id = ?", (cart_id,))
            conn.executemany("INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (?, ?, ?, ?)",
                             [(cart_id, sku, qty, pos) for pos, (sku, qty) in enumerate(lines.items(), 1)])
            conn.execute("DELETE FROM cart_terms WHERE cart_id = ? AND sku != ? AND sku NOT IN"
                         " (SELECT sku FROM cart_lines WHERE cart_id = ?)", (cart_id, ORDER, cart_id))

    def set_terms(self, cart_id: int, sku: str, terms: LineTerms) -> None:
        """A line's override and discount (no row when it has neither)."""
        self._put_terms(cart_id, sku, terms)

    def set_order_discount(self, cart_id: int, discount: Discount | None) -> None:
        self._put_terms(cart_id, ORDER, LineTerms(discount=discount))

    def _put_terms(self, cart_id: int, sku: str, terms: LineTerms) -> None:
        with self._db.transaction() as conn:
            if terms == LineTerms():
                conn.execute("DELETE FROM cart_terms WHERE cart_id = ? AND sku = ?", (cart_id, sku))
                return
            d = terms.discount
            conn.execute(
                "INSERT INTO cart_terms (cart_id, sku, unit_price, override_reason, discount_kind,"
                " discount_value, discount_reason) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cart_id, sku) DO UPDATE"
                " SET unit_price = excluded.unit_price, override_reason = excluded.override_reason,"
                " discount_kind = excluded.discount_kind, discount_value = excluded.discount_value,"
                " discount_reason = excluded.discount_reason",
                (cart_id, sku, terms.unit_price, terms.override_reason, d.kind.value if d else None,
                 d.value if d else None, d.reason if d else ""))

    def set_flags(self, cart_id: int, *, frozen: bool, in_doubt: bool) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE carts SET state = ?, in_doubt = ?, updated_at = ? WHERE id = ?",
                         ("frozen" if frozen else "open", int(in_doubt), now(), cart_id))

    def close(self, cart_id: int, *, voided: bool = False) -> None:
        """Closed for good: paid (its sale recorded), or voided (emptied by the cashier)."""
        stamp = now()
        with self._db.transaction() as conn:
            conn.execute("UPDATE carts SET state = 'closed', in_doubt = 0, updated_at = ?,"
                         " voided_at = CASE WHEN ? THEN ? ELSE voided_at END WHERE id = ?",
                         (stamp, voided, stamp, cart_id))
            if voided:
                uuid = conn.execute("SELECT uuid FROM carts WHERE id = ?", (cart_id,)).fetchone()[0]
                lines = {r[0]: r[1] for r in conn.execute(
                    "SELECT sku, qty FROM cart_lines WHERE cart_id = ? ORDER BY position", (cart_id,))}
                self._journal.append("cart_void", {"cart_uuid": uuid, "lines": lines})

    # -- parked carts ----------------------------------------------------------------------------

    def park(self, cart_id: int, *, label: str, user: str | None, total: int) -> ParkedCart:
        """The cart leaves the till as it is (lines, terms, UUID) until it is recalled."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE carts SET state = 'parked', parked_at = ?, parked_by = ?, park_label = ?,"
                         " park_total = ?, updated_at = ? WHERE id = ? AND state = 'open'",
                         (now(), user, label, total, now(), cart_id))
        parked = self.parked_cart(cart_id)
        if parked is None:
            raise RuntimeError(f"cart {cart_id} was not open: it could not be parked")
        return parked

    def parked_cart(self, cart_id: int) -> ParkedCart | None:
        row = self._db.query_one("SELECT * FROM carts WHERE id = ? AND till = ? AND state = 'parked'",
                                 (cart_id, self._till))
        return self._parked(row) if row is not None else None

    def parked(self) -> list[ParkedCart]:
        """The parked carts, newest first."""
        return [self._parked(r) for r in self._db.query(
            "SELECT * FROM carts WHERE till = ? AND state = 'parked' ORDER BY parked_at DESC, id DESC",
            (self._till,))]

    def _parked(self, row: sqlite3.Row) -> ParkedCart:
        return ParkedCart(row["id"], row["uuid"], row["park_label"], row["parked_by"], row["parked_at"],
                          self._lines(row["id"]), row["park_total"])

    def recall(self, cart_id: int, *, replacing: int) -> None:
        """The parked cart is the open one again; the empty cart it replaces closes (it held nothing)."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE carts SET state = 'closed', updated_at = ? WHERE id = ? AND state = 'open'"
                         " AND NOT EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = carts.id)", (now(), replacing))
            cursor = conn.execute("UPDATE carts SET state = 'open', parked_at = NULL, parked_by = NULL,"
                                  " park_label = NULL, park_total = NULL, updated_at = ? WHERE id = ?"
                                  " AND till = ? AND state = 'parked'", (now(), cart_id, self._till))
            if cursor.rowcount != 1:
                raise RuntimeError(f"cart {cart_id} is not parked")

    def is_active(self, cart_id: int) -> bool:
        row = self._db.query_one("SELECT state FROM carts WHERE id = ?", (cart_id,))
        return row is not None and row["state"] != "closed"

    def is_voided(self, cart_id: int) -> bool:
        row = self._db.query_one("SELECT voided_at FROM carts WHERE id = ?", (cart_id,))
        return row is not None and row["voided_at"] is not None

    def set_aside_with_open_payments(self) -> list[int]:
        """Voided or parked carts that still have an open ledger row (a payment to cancel or to review)."""
        return [r[0] for r in self._db.query(
            "SELECT DISTINCT c.id FROM carts c JOIN payments p ON p.cart_id = c.id"
            " WHERE c.till = ? AND (c.voided_at IS NOT NULL OR c.state = 'parked') AND p.final = 0 ORDER BY c.id",
            (self._till,))]


def _terms(row: sqlite3.Row) -> LineTerms:
    kind = row["discount_kind"]
    discount = Discount(DiscountKind(kind), row["discount_value"], row["discount_reason"]) if kind else None
    return LineTerms(row["unit_price"], row["override_reason"], discount)
