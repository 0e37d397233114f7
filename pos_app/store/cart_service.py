"""CartService: the single source of truth for the till's active cart.

The Qt window and the HTTP cart API both go through it. It is thread-safe (one lock), commits
every change to SQLite before returning (so an acknowledged change survives a crash), and tells
listeners about changes after the lock is released (the Qt side turns that into a queued signal).

The cart's revision UUID changes only when its content really changes; see domain.cart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, cast

from pos_app.domain.cart import Cart, CartError, new_revision
from pos_app.domain.item import Item
from pos_app.domain.pricing import PricedLine, PricingPolicy, Totals, price_lines, summarize
from pos_app.errors import UserFacingError
from pos_app.store.catalogue import CatalogueStore
from pos_app.store.db import Database, now

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)


class CartFrozen(UserFacingError):
    """The cart can't change now: a payment is in flight, or its outcome is in doubt."""


class UnknownBarcode(CartError):
    def __init__(self, barcode: str) -> None:
        super().__init__(f"no item has barcode {barcode}")
        self.barcode = barcode


@dataclass(frozen=True)
class CartSnapshot:
    """The cart at one moment. `summary` (subtotal, tax, total) costs the same whatever the cart's
    size; `totals` (with every priced line) is worked out on first use."""

    cart_id: int
    uuid: str
    lines: Mapping[str, int]
    summary: Totals
    frozen: bool
    in_doubt: bool
    _items: Mapping[str, Item] = field(repr=False, compare=False, default_factory=dict)
    _pricing: PricingPolicy = field(repr=False, compare=False, default_factory=PricingPolicy)

    @cached_property
    def totals(self) -> Totals:
        return price_lines(self.lines, self._items.__getitem__, self._pricing)

    def line(self, sku: str) -> PricedLine | None:
        """One priced line, without pricing the others."""
        qty = self.lines.get(sku)
        if not qty:
            return None
        item = self._items[sku]
        return PricedLine(sku, item.name, qty, item.price, item.price * qty, item.tax_rate_bp)

    @property
    def empty(self) -> bool:
        return not self.lines


Listener = Callable[[CartSnapshot], None]


class CartService:
    def __init__(self, db: Database, catalogue: CatalogueStore, pricing: PricingPolicy) -> None:
        self._db = db
        self._catalogue = catalogue
        self.pricing = pricing
        self.lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._items: dict[str, Item] = {}  # trusted items of the cart's lines, by sku
        self._load()

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> None:
        with self.lock, self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM carts WHERE state != 'closed'").fetchone()
            if row is None:
                self._cart_id = self._insert_cart(conn)
                self._cart = Cart(uuid=self._uuid)
                self._frozen = self._in_doubt = False
            else:
                lines = {r["sku"]: r["qty"] for r in conn.execute(
                    "SELECT sku, qty FROM cart_lines WHERE cart_id = ? ORDER BY position", (row["id"],))}
                self._cart_id = row["id"]
                self._cart = Cart(lines, uuid=row["uuid"])
                self._frozen = row["state"] == "frozen"
                self._in_doubt = bool(row["in_doubt"])
            self._next_position = len(self._cart) + 1
            self._items = {}
            for sku in self._cart.lines:
                item = self._catalogue.get(sku)
                if item is None:  # the catalogue lost an item a saved cart still holds
                    raise RuntimeError(f"the saved cart holds {sku}, which is no longer in the catalogue")
                self._items[sku] = item
            self._rebase()

    def _insert_cart(self, conn: sqlite3.Connection) -> int:
        self._uuid = new_revision()
        stamp = now()
        cursor = conn.execute("INSERT INTO carts (uuid, state, created_at, updated_at) VALUES (?, 'open', ?, ?)",
                              (self._uuid, stamp, stamp))
        return cast(int, cursor.lastrowid)  # an INSERT that returned sets it

    def snapshot(self) -> CartSnapshot:
        with self.lock:
            return CartSnapshot(self._cart_id, self._cart.uuid, self._cart.lines,
                                summarize(self._bases, self.pricing), self._frozen, self._in_doubt,
                                dict(self._items), self.pricing)

    def _rebase(self) -> None:
        """Recompute the per-tax-rate sums of line amounts from all lines (after a bulk change)."""
        self._bases: dict[int, int] = {}
        for sku, qty in self._cart.lines.items():
            self._add_to_bases(sku, qty)

    def _add_to_bases(self, sku: str, qty_delta: int) -> None:
        item = self._items[sku]
        self._bases[item.tax_rate_bp] = self._bases.get(item.tax_rate_bp, 0) + item.price.amount * qty_delta

    @property
    def uuid(self) -> str:
        with self.lock:
            return self._cart.uuid

    @property
    def cart_id(self) -> int:
        with self.lock:
            return self._cart_id

    def item(self, sku: str) -> Item | None:
        with self.lock:
            return self._items.get(sku) or self._catalogue.get(sku)

    # -- listeners -----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self) -> CartSnapshot:
        snapshot = self.snapshot()
        for listener in list(self._listeners):
            try:
                listener(snapshot)
            except Exception:  # a broken listener must not undo a committed change
                log.exception("cart listener failed")
        return snapshot

    # -- mutations -----------------------------------------------------------------------------

    def _known(self, sku: str) -> bool:
        if sku in self._items:
            return True
        item = self._catalogue.get(sku)
        if item is None:
            return False
        self._items[sku] = item
        return True

    def _check_mutable(self) -> None:
        if self._in_doubt:
            raise CartFrozen("a payment for this cart is in doubt: the cart is kept as charged until "
                             "the payment is checked with the card processor")
        if self._frozen:
            raise CartFrozen("a payment is in progress for this cart: finish or cancel it first")

    def set_qty(self, sku: str, qty: int) -> CartSnapshot:
        return self._mutate_line(sku, lambda cart: cart.set_qty(sku, qty, self._known))

    def add(self, sku: str, qty: int = 1) -> CartSnapshot:
        return self._mutate_line(sku, lambda cart: cart.add(sku, qty, self._known))

    def remove(self, sku: str) -> CartSnapshot:
        return self._mutate_line(sku, lambda cart: cart.remove(sku))

    def add_barcode(self, barcode: str) -> Item:
        item = self._catalogue.by_barcode(barcode.strip())
        if item is None:
            raise UnknownBarcode(barcode.strip())
        self.add(item.sku, 1)
        return item

    def _mutate_line(self, sku: str, change: Callable[[Cart], bool]) -> CartSnapshot:
        """A change to one line: one row and the cart's uuid written, whatever the cart's size."""
        with self.lock:
            self._check_mutable()
            old_uuid, old_qty = self._cart.uuid, self._cart.qty(sku) if isinstance(sku, str) else 0
            if not change(self._cart):
                return self.snapshot()
            qty = self._cart.qty(sku)
            if not len(self._cart):  # the last line went: a void, not an empty cart to reuse
                return self._void(old_uuid, {sku: old_qty})
            try:
                with self._db.transaction() as conn:
                    self._write_uuid(conn)
                    if qty == 0:
                        conn.execute("DELETE FROM cart_lines WHERE cart_id = ? AND sku = ?", (self._cart_id, sku))
                    else:
                        conn.execute(
                            "INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (?, ?, ?, ?)"
                            " ON CONFLICT (cart_id, sku) DO UPDATE SET qty = excluded.qty",
                            (self._cart_id, sku, qty, self._next_position))
                        self._next_position += 1
            except BaseException:
                self._restore(old_uuid, {**self._cart.lines, sku: old_qty})
                raise
            self._add_to_bases(sku, qty - old_qty)
        return self._notify()

    def replace(self, lines: Mapping[str, int]) -> CartSnapshot:
        """Replace every line (the seed's POST /cart); the same lines again change nothing."""
        with self.lock:
            self._check_mutable()
            old_uuid, old_lines = self._cart.uuid, self._cart.lines
            if not self._cart.replace(lines, self._known):
                return self.snapshot()
            if not len(self._cart):
                return self._void(old_uuid, old_lines)
            try:
                self._write_all_lines()
            except BaseException:
                self._restore(old_uuid, old_lines)
                raise
            self._rebase()
        return self._notify()

    def clear(self) -> CartSnapshot:
        """Void the cart: see _void."""
        return self.replace({})

    def _void(self, old_uuid: str, old_lines: Mapping[str, int]) -> CartSnapshot:
        """The cart was emptied: close it as voided and start a new one (new id and uuid), in one
        transaction. The next customer's lines never join a cart that has an open payment: a
        payment that lands later for the voided cart goes to the review list (CheckoutService),
        and never changes the new cart. Called with the lock held and self._cart already empty."""
        try:
            with self._db.transaction() as conn:
                conn.execute("UPDATE carts SET state = 'closed', voided_at = ?, in_doubt = 0, updated_at = ?"
                             " WHERE id = ?", (now(), now(), self._cart_id))
                new_id = self._insert_cart(conn)
        except BaseException:
            self._restore(old_uuid, old_lines)
            raise
        log.info("cart %d voided (%d line(s)); cart %d started", self._cart_id, len(old_lines), new_id)
        self._cart_id, self._cart = new_id, Cart(uuid=self._uuid)
        self._items, self._next_position = {}, 1
        self._rebase()
        return self._notify()

    def is_voided(self, cart_id: int) -> bool:
        row = self._db.query_one("SELECT voided_at FROM carts WHERE id = ?", (cart_id,))
        return row is not None and row["voided_at"] is not None

    def voided_cart_ids(self) -> list[int]:
        """Voided carts that still have an open ledger row (a payment to cancel or to review)."""
        return [r[0] for r in self._db.query(
            "SELECT DISTINCT c.id FROM carts c JOIN payments p ON p.cart_id = c.id"
            " WHERE c.voided_at IS NOT NULL AND p.final = 0 ORDER BY c.id")]

    def _restore(self, uuid: str, lines: Mapping[str, int]) -> None:
        self._cart = Cart({s: q for s, q in lines.items() if q}, uuid=uuid)

    def _write_uuid(self, conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE carts SET uuid = ?, updated_at = ? WHERE id = ?",
                     (self._cart.uuid, now(), self._cart_id))

    def _write_all_lines(self) -> None:
        with self._db.transaction() as conn:
            self._write_uuid(conn)
            conn.execute("DELETE FROM cart_lines WHERE cart_id = ?", (self._cart_id,))
            conn.executemany("INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (?, ?, ?, ?)",
                             [(self._cart_id, sku, qty, pos)
                              for pos, (sku, qty) in enumerate(self._cart.lines.items(), 1)])
        self._next_position = len(self._cart) + 1

    # -- payment states (used by CheckoutService) ----------------------------------------------

    def set_frozen(self, frozen: bool) -> None:
        """Freeze the cart while its payment is in flight (mutations answer CartFrozen)."""
        self._set_flags(frozen=frozen)

    def set_in_doubt(self, in_doubt: bool) -> None:
        self._set_flags(in_doubt=in_doubt)

    def _set_flags(self, frozen: bool | None = None, in_doubt: bool | None = None) -> None:
        with self.lock:
            new_frozen = self._frozen if frozen is None else frozen
            new_doubt = self._in_doubt if in_doubt is None else in_doubt
            if (new_frozen, new_doubt) == (self._frozen, self._in_doubt):
                return
            with self._db.transaction() as conn:
                conn.execute("UPDATE carts SET state = ?, in_doubt = ?, updated_at = ? WHERE id = ?",
                             ("frozen" if new_frozen else "open", int(new_doubt), now(), self._cart_id))
            self._frozen, self._in_doubt = new_frozen, new_doubt
        self._notify()

    def renew_revision(self) -> CartSnapshot:
        """A new revision UUID for the same lines: what they cost has changed (a price changed in
        the catalogue since they were added), so the next charge must not reuse the old one's."""
        with self.lock:
            self._cart.uuid = new_revision()
            with self._db.transaction() as conn:
                self._write_uuid(conn)
        return self._notify()

    def complete_sale(self, cart_id: int, record: Callable[[object], object], *,
                      paid_uuid: str | None = None, paid_lines: Mapping[str, int] | None = None) -> object:
        """In ONE transaction: record(conn) (the order), then settle the cart it was paid from.

        - the active cart still at the paid revision (or paid_uuid not given): it is closed and a new,
          empty cart starts;
        - the active cart changed since that revision was charged (lines added after the card form
          was closed elsewhere): the paid quantities come off it and the rest stays to be paid, as a
          new revision;
        - cart_id already closed: only record(conn) runs.
        Returns what record returned.
        """
        replaced = reduced = False
        with self.lock:
            before = (self._cart, self._bases, self._next_position)
            try:
                with self._db.transaction() as conn:
                    result = record(conn)
                    state = conn.execute("SELECT state FROM carts WHERE id = ?", (cart_id,)).fetchone()
                    active = state is not None and state["state"] != "closed"
                    if active and cart_id == self._cart_id and paid_uuid not in (None, self._cart.uuid):
                        reduced = self._take_off(conn, paid_lines or {})
                    elif active:
                        replaced = True
                        conn.execute("UPDATE carts SET state = 'closed', in_doubt = 0, updated_at = ?"
                                     " WHERE id = ?", (now(), cart_id))
                        if cart_id == self._cart_id:
                            new_id = self._insert_cart(conn)
            except BaseException:
                self._cart, self._bases, self._next_position = before  # nothing was committed
                raise
            if replaced and cart_id == self._cart_id:
                self._cart_id, self._cart = new_id, Cart(uuid=self._uuid)
                self._frozen = self._in_doubt = False
                self._items, self._next_position, self._bases = {}, 1, {}
        if replaced or reduced:
            self._notify()
        return result

    def _take_off(self, conn: sqlite3.Connection, paid_lines: Mapping[str, int]) -> bool:
        """Remove paid quantities from the active cart inside the caller's transaction."""
        remaining = {sku: qty - paid_lines.get(sku, 0) for sku, qty in self._cart.lines.items()}
        remaining = {sku: qty for sku, qty in remaining.items() if qty > 0}
        log.warning("a payment for an earlier revision of cart %d went through; %d paid line(s) taken off "
                    "the cart, %d line(s) left to pay", self._cart_id, len(paid_lines), len(remaining))
        self._cart = Cart(remaining)  # a new revision
        self._write_uuid(conn)
        conn.execute("DELETE FROM cart_lines WHERE cart_id = ?", (self._cart_id,))
        conn.executemany("INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (?, ?, ?, ?)",
                         [(self._cart_id, sku, qty, pos) for pos, (sku, qty) in enumerate(remaining.items(), 1)])
        self._next_position = len(remaining) + 1
        self._rebase()
        return True
