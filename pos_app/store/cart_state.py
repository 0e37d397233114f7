"""CartState: what CartService (cart_service.py) holds — the active cart, its lock, listeners and gate.

Loading the active cart, pricing it into snapshots, telling listeners and checking that it may
change live here; the changes themselves are CartService's. A unit of work that rolls back puts
this state back as it was (_undo_on_rollback).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from pos_app.domain.cart import Cart, new_revision
from pos_app.domain.item import Item
from pos_app.domain.people import Permission, PermissionGate
from pos_app.domain.pricing import PricingPolicy, summarize
from pos_app.i18n import _
from pos_app.store.cart_errors import CartFrozen, OpenPriceNeeded
from pos_app.store.carts import CartRepository, ParkedCart
from pos_app.store.cart_snapshot import CartSnapshot, price_cart
from pos_app.store.catalogue import CatalogueStore

if TYPE_CHECKING:
    from pos_app.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Listener = Callable[[CartSnapshot], None]


class CartState:
    """CartService's state: the cart, its trusted items and tax bases, its lock, listeners and gate."""

    def __init__(self, rows: CartRepository, catalogue: CatalogueStore, pricing: PricingPolicy) -> None:
        self._rows = rows
        self._catalogue = catalogue
        self.pricing = pricing
        self.lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._items: dict[str, Item] = {}  # trusted items of the cart's lines, by sku
        self._bases: dict[int, int] = {}  # sum of line amounts per tax rate
        self._gate: PermissionGate | None = None  # who may change the cart (set_gate); None: anyone
        self._generation = self._db_generation()
        self._load()

    def set_gate(self, gate: PermissionGate) -> None:
        """From now on a change needs a logged-in user (selling), and clearing a cart that has lines
        a manager (or a manager's PIN). Given by the composition root, which builds the till's
        session over this store (so the session can't be given at construction)."""
        self._gate = gate

    def _require(self, permission: Permission, manager_pin: str | None = None) -> None:
        if self._gate is not None:
            self._gate.require(permission, manager_pin=manager_pin,
                               detail={"lines": len(self._cart)} if permission != Permission.SELL else None)

    # -- reading -------------------------------------------------------------------------------

    def was_voided(self, cart_id: int) -> bool:
        """Whether that cart was emptied (Clear, an empty POST /cart, its last line removed)."""
        return self._rows.is_voided(cart_id)

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

    def _db_generation(self) -> int:
        return self._rows.generation

    def resync(self) -> bool:
        """Reload the cart from the database if a commit in doubt was settled since it was loaded
        (the shop database went away while saving: memory was put back, the commit may have been
        made). True if it reloaded; listeners hear of it."""
        with self.lock:
            if not self._stale():
                return False
        return bool(self._notify())

    def _stale(self) -> bool:
        """Reload (with the lock held) when the database's generation moved on; True if it did."""
        generation = self._db_generation()
        if generation == self._generation:
            return False
        self._load()
        self._generation = generation
        log.warning("cart %d reloaded from the database after a commit in doubt", self._cart_id)
        return True

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
        self._stale()  # before any change: memory is what the database holds
        if self._in_doubt:
            raise CartFrozen(_("a payment for this cart is in doubt: the cart is kept as charged until the payment "
                               "is checked with the card processor"))
        if self._frozen:
            raise CartFrozen(_("a payment is in progress for this cart: finish or cancel it first"))

    def _undo_on_rollback(self, work: UnitOfWork) -> None:
        before = (self._cart_id, self._cart, self._frozen, self._in_doubt, dict(self._items),
                  self._next_position, dict(self._bases))
        work.on_rollback(lambda: self._put_back(before))

    def _put_back(self, state: tuple[int, Cart, bool, bool, dict[str, Item], int, dict[int, int]]) -> None:
        """The state before a unit of work that rolled back (nothing of it was committed)."""
        (self._cart_id, self._cart, self._frozen, self._in_doubt, self._items, self._next_position,
         self._bases) = state
