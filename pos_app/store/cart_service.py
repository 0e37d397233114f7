"""CartService: the single source of truth for the till's active cart.

The Qt window and the HTTP cart API both go through it. It keeps the cart's state, its lock and
its listeners; the SQL is CartRepository's (carts.py). It is thread-safe (one lock), commits every
change before returning (so an acknowledged change survives a crash), and tells listeners about
changes after the lock is released (the Qt side turns that into a queued signal).

The cart's revision UUID changes only when its content really changes; see domain.cart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pos_app.domain.cart import NO_TERMS, Cart, CartError, new_revision
from pos_app.domain.discounts import Discount, LineTerms
from pos_app.domain.item import Item
from pos_app.domain.people import Permission
from pos_app.i18n import _
from pos_app.store.cart_errors import OpenPriceNeeded, ParkedSaleNotFound, ParkingRefused, UnknownBarcode
from pos_app.store.carts import ParkedCart
from pos_app.store.cart_snapshot import CartSnapshot
from pos_app.store.cart_state import CartState

if TYPE_CHECKING:
    from pos_app.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class CartService(CartState):
    """The active cart's changes: lines, terms, payment states, the sale, parking (CartState: the rest)."""

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
        """A change to one line: one row and the cart's uuid written, whatever the cart's size.
        Removing the last line is selling (taking back what was rung up), not clearing."""
        self._require(Permission.SELL)
        with self.lock:
            self._check_mutable()
            old_uuid, old_qty = self._cart.uuid, self._cart.qty(sku) if isinstance(sku, str) else 0
            old_terms = self._cart.terms_of(sku) if isinstance(sku, str) else NO_TERMS
            if not change(self._cart):
                return self.snapshot()
            qty = self._cart.qty(sku)
            if not len(self._cart):  # the last line went: a void, not an empty cart to reuse
                return self._void(Cart({sku: old_qty}, old_uuid, terms={sku: old_terms},
                                       order_discount=self._cart.order_discount))
            try:
                with self._rows.atomic():
                    self._rows.set_uuid(self._cart_id, self._cart.uuid)
                    self._rows.set_line(self._cart_id, sku, qty, self._next_position)
            except BaseException:
                self._cart = Cart({**self._cart.lines, sku: old_qty}, old_uuid,
                                  terms={**self._cart.terms, sku: old_terms}, order_discount=self._cart.order_discount)
                raise
            if qty:
                self._next_position += 1
            self._add_to_bases(sku, qty - old_qty)
        return self._notify()

    def replace(self, lines: Mapping[str, int], *, manager_pin: str | None = None) -> CartSnapshot:
        """Replace every line (the seed's POST /cart); the same lines again change nothing. No lines
        for a cart that has some is a clear (manager-only: `manager_pin` approves it)."""
        clearing = bool(self._cart.lines) and not any(lines.values())
        self._require(Permission.CLEAR_CART if clearing else Permission.SELL, manager_pin)
        with self.lock:
            self._check_mutable()
            before = self._cart.copy()
            if not self._cart.replace(lines, self._known):
                return self.snapshot()
            if not len(self._cart):
                return self._void(before)
            try:
                self._write_all_lines(self._cart.lines)
            except BaseException:
                self._cart = before
                raise
            self._rebase()
        return self._notify()

    def clear(self, *, manager_pin: str | None = None) -> CartSnapshot:
        """Void the cart: see _void (a manager's action when it has lines)."""
        return self.replace({}, manager_pin=manager_pin)

    def _void(self, before: Cart) -> CartSnapshot:
        """The cart was emptied: close it as voided and start a new one (new id and uuid), in one
        transaction. The next customer's lines never join a cart that has an open payment: a
        payment that lands later for the voided cart goes to the review list (CheckoutService),
        and never changes the new cart. Called with the lock held and self._cart already empty."""
        uuid = new_revision()
        try:
            with self._rows.atomic():
                self._rows.close(self._cart_id, voided=True)
                new_id = self._rows.start(uuid)
        except BaseException:
            self._cart = before
            raise
        log.info("cart %d voided (%d line(s)); cart %d started", self._cart_id, len(before), new_id)
        self._become_new_cart(new_id, uuid)
        return self._notify()

    def _write_all_lines(self, lines: Mapping[str, int]) -> None:
        with self._rows.atomic():
            self._rows.set_uuid(self._cart_id, self._cart.uuid)
            self._rows.set_lines(self._cart_id, lines)
        self._next_position = len(lines) + 1

    # -- terms: overrides, discounts, open prices (in the caller's unit of work, with its journal entry) --

    def set_line_terms(self, work: UnitOfWork, sku: str, terms: LineTerms) -> bool:
        """A line's override and discount (NO_TERMS drops both); False when nothing changed."""
        item = self._items.get(sku)
        if item is not None and item.open_price and terms.unit_price is None:
            raise OpenPriceNeeded(item)
        return self._change_terms(work, lambda cart: cart.set_terms(sku, terms),
                                  lambda: self._rows.set_terms(self._cart_id, sku, self._cart.terms_of(sku)))

    def set_order_discount(self, work: UnitOfWork, discount: Discount | None) -> bool:
        """The discount off the whole sale (None drops it); False when nothing changed."""
        return self._change_terms(work, lambda cart: cart.set_order_discount(discount),
                                  lambda: self._rows.set_order_discount(self._cart_id, discount))

    def add_open_price(self, work: UnitOfWork, sku: str, unit_price: int, qty: int = 1) -> bool:
        """An open-price item with the price typed for it (the line and its price written together)."""
        def change(cart: Cart) -> bool:
            held = cart.terms_of(sku).unit_price
            if sku in cart and held != unit_price:
                raise CartError(_("{sku} is in the cart at another price already: change that line's price").format(
                    sku=sku))
            if sku not in cart:
                cart.add_priced(sku, qty, LineTerms(unit_price=unit_price), self._known)
                return True
            return cart.add(sku, qty, self._known)

        def write() -> None:
            self._rows.set_line(self._cart_id, sku, self._cart.qty(sku), self._next_position)
            self._rows.set_terms(self._cart_id, sku, self._cart.terms_of(sku))
            self._next_position += 1
            self._rebase()
        return self._change_terms(work, change, write)

    def _change_terms(self, work: UnitOfWork, change: Callable[[Cart], bool], write: Callable[[], None]) -> bool:
        with self.lock:
            self._check_mutable()
            before, position = self._cart.copy(), self._next_position
            if not change(self._cart):
                return False

            def put_back() -> None:
                self._cart, self._next_position = before, position
                self._rebase()
            work.on_rollback(put_back)
            self._rows.set_uuid(self._cart_id, self._cart.uuid)
            write()
            work.after_commit(self._notify)
            return True

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
            self._rows.set_flags(self._cart_id, frozen=new_frozen, in_doubt=new_doubt)
            self._frozen, self._in_doubt = new_frozen, new_doubt
        self._notify()

    def renew_revision(self) -> CartSnapshot:
        """A new revision UUID for the same lines: what they cost has changed (a price changed in
        the catalogue since they were added), so the next charge must not reuse the old one's."""
        with self.lock:
            self._cart.uuid = new_revision()
            self._rows.set_uuid(self._cart_id, self._cart.uuid)
        return self._notify()

    def settle_paid(self, work: UnitOfWork, cart_id: int, *, paid_uuid: str | None = None,
                    paid_lines: Mapping[str, int] | None = None) -> None:
        """In the sale's unit of work (which holds this service's lock): settle the cart it was paid from.

        - the active cart still at the paid revision (or paid_uuid not given): it is closed and a new,
          empty cart starts;
        - the active cart changed since that revision was charged (lines added after the card form
          was closed elsewhere): the paid quantities come off it and the rest stays to be paid, as a
          new revision;
        - cart_id already closed: nothing changes.
        The state changes at once; a rollback of the unit of work puts it back, and listeners hear
        of it after the commit.
        """
        with self.lock:
            if not self._rows.is_active(cart_id):
                return
            self._undo_on_rollback(work)
            if cart_id == self._cart_id and paid_uuid not in (None, self._cart.uuid):
                self._take_off(paid_lines or {})
            else:
                self._rows.close(cart_id)
                if cart_id == self._cart_id:
                    self._become_new_cart()
            work.after_commit(self._notify)

    # -- parking (in the caller's unit of work, with its journal entry) -------------------------

    def park(self, work: UnitOfWork, *, label: str, user: str | None) -> ParkedCart:
        """The cart as it is becomes a parked sale, a new empty cart the active one (refused: frozen, in doubt)."""
        with self.lock:
            self._check_mutable()
            if not len(self._cart):
                raise ParkingRefused(_("the cart is empty: there is nothing to park"))
            self._undo_on_rollback(work)
            parked = self._rows.park(self._cart_id, label=label, user=user,
                                     total=self.snapshot().totals.total.amount)
            self._become_new_cart()
            work.after_commit(self._notify)
            return parked

    def recall(self, work: UnitOfWork, cart_id: int) -> ParkedCart:
        """The parked cart is the active one again (its lines, terms and UUID); the empty cart it
        replaces closes. A cart with lines is never put aside quietly: the cashier parks or clears it."""
        with self.lock:
            self._check_mutable()
            if len(self._cart):
                raise ParkingRefused(_("this sale has lines: park or clear it before recalling another"))
            parked = self._rows.parked_cart(cart_id)
            if parked is None:
                raise ParkedSaleNotFound(cart_id)
            self._undo_on_rollback(work)
            self._rows.recall(cart_id, replacing=self._cart_id)
            self._load()
            work.after_commit(self._notify)
            return parked

    def _take_off(self, paid_lines: Mapping[str, int]) -> None:
        """Remove paid quantities from the active cart (in the sale's unit of work)."""
        remaining = {sku: qty - paid_lines.get(sku, 0) for sku, qty in self._cart.lines.items()}
        remaining = {sku: qty for sku, qty in remaining.items() if qty > 0}
        log.warning("a payment for an earlier revision of cart %d went through; %d paid line(s) taken off "
                    "the cart, %d line(s) left to pay", self._cart_id, len(paid_lines), len(remaining))
        # A new revision; its lines keep their terms, the paid sale's order discount went with it.
        self._cart = Cart(remaining, terms=self._cart.terms)
        self._write_all_lines(remaining)
        self._rows.set_order_discount(self._cart_id, None)
        self._rebase()
