"""CartService: the single source of truth for the till's active cart.

The Qt window and the HTTP cart API both go through it. It keeps the cart's state, its lock and
its listeners; the SQL is CartRepository's (carts.py). It is thread-safe (one lock), commits every
change before returning (so an acknowledged change survives a crash), and tells listeners about
changes after the lock is released (the Qt side turns that into a queued signal).

The cart's revision UUID changes only when its content really changes; see domain.cart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pos_app.domain.cart import NO_TERMS, Cart, CartError, new_revision
from pos_app.domain.discounts import Discount, LineTerms
from pos_app.domain.item import Item
from pos_app.domain.pricing import PricingPolicy, summarize
from pos_app.store.cart_errors import CartFrozen, OpenPriceNeeded, ParkedSaleNotFound, ParkingRefused, UnknownBarcode
from pos_app.store.carts import CartRepository, ParkedCart
from pos_app.store.cart_snapshot import CartSnapshot, price_cart
from pos_app.store.catalogue import CatalogueStore

if TYPE_CHECKING:
    from pos_app.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


Listener = Callable[[CartSnapshot], None]


class CartService:
    def __init__(self, rows: CartRepository, catalogue: CatalogueStore, pricing: PricingPolicy) -> None:
        self._rows = rows
        self._catalogue = catalogue
        self.pricing = pricing
        self.lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._items: dict[str, Item] = {}  # trusted items of the cart's lines, by sku
        self._bases: dict[int, int] = {}  # sum of line amounts per tax rate
        self._load()

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> None:
        with self.lock, self._rows.atomic():
            saved = self._rows.active()
            if saved is None:
                self._become_new_cart()
                return
            self._cart_id = saved.id
            self._cart = Cart(saved.lines, uuid=saved.uuid, terms=saved.terms, order_discount=saved.order_discount)
            self._frozen, self._in_doubt = saved.frozen, saved.in_doubt
            self._next_position = len(self._cart) + 1
            self._items = {}
            for sku in self._cart.lines:
                item = self._catalogue.get(sku)
                if item is None:  # the catalogue lost an item a saved cart still holds
                    raise RuntimeError(f"the saved cart holds {sku}, which is no longer in the catalogue")
                self._items[sku] = item
            self._rebase()

    def _become_new_cart(self, cart_id: int | None = None, uuid: str | None = None) -> None:
        """The service's state becomes a new, empty, open cart (written now unless given)."""
        if cart_id is None or uuid is None:
            uuid = new_revision()
            cart_id = self._rows.start(uuid)
        self._cart_id, self._cart = cart_id, Cart(uuid=uuid)
        self._frozen = self._in_doubt = False
        self._items, self._next_position, self._bases = {}, 1, {}

    def snapshot(self) -> CartSnapshot:
        with self.lock:
            cart = self._cart
            if not cart.has_terms:  # the quick path: totals from the running sums, whatever the size
                return CartSnapshot(self._cart_id, cart.uuid, cart.lines, summarize(self._bases, self.pricing),
                                    self._frozen, self._in_doubt, dict(self._items), self.pricing)
            lines, terms = cart.lines, cart.terms
            priced = price_cart(lines, self._items, terms, cart.order_discount, self.pricing)
            return CartSnapshot(self._cart_id, cart.uuid, lines, priced.totals, self._frozen, self._in_doubt,
                                dict(self._items), self.pricing, terms, cart.order_discount, priced)

    def _rebase(self) -> None:
        """Recompute the per-tax-rate sums of line amounts from all lines (after a bulk change)."""
        self._bases = {}
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

    def is_voided(self, cart_id: int) -> bool:
        return self._rows.is_voided(cart_id)

    def set_aside_cart_ids(self) -> list[int]:
        """Voided or parked carts that still have an open ledger row (a payment to cancel or to review)."""
        return self._rows.set_aside_with_open_payments()

    def parked(self) -> list[ParkedCart]:
        """The parked sales, newest first."""
        return self._rows.parked()

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
        """In the catalogue, and sellable as the cart stands (an open-price item only with its price)."""
        item = self._items.get(sku) or self._catalogue.get(sku)
        if item is None:
            return False
        if item.open_price and self._cart.terms_of(sku).unit_price is None:
            raise OpenPriceNeeded(item)
        self._items[sku] = item
        return True

    def check_mutable(self) -> None:
        """CartFrozen when the cart can't change now (asked before a manager is asked for a PIN)."""
        with self.lock:
            self._check_mutable()

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

    def replace(self, lines: Mapping[str, int]) -> CartSnapshot:
        """Replace every line (the seed's POST /cart); the same lines again change nothing."""
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

    def clear(self) -> CartSnapshot:
        """Void the cart: see _void."""
        return self.replace({})

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
                raise CartError(f"{sku} is in the cart at another price already: change that line's price")
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
                raise ParkingRefused("the cart is empty: there is nothing to park")
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
                raise ParkingRefused("this sale has lines: park or clear it before recalling another")
            parked = self._rows.parked_cart(cart_id)
            if parked is None:
                raise ParkedSaleNotFound(cart_id)
            self._undo_on_rollback(work)
            self._rows.recall(cart_id, replacing=self._cart_id)
            self._load()
            work.after_commit(self._notify)
            return parked

    def _undo_on_rollback(self, work: UnitOfWork) -> None:
        before = (self._cart_id, self._cart, self._frozen, self._in_doubt, dict(self._items),
                  self._next_position, dict(self._bases))
        work.on_rollback(lambda: self._put_back(before))

    def _put_back(self, state: tuple[int, Cart, bool, bool, dict[str, Item], int, dict[int, int]]) -> None:
        """The state before a unit of work that rolled back (nothing of it was committed)."""
        (self._cart_id, self._cart, self._frozen, self._in_doubt, self._items, self._next_position,
         self._bases) = state

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
