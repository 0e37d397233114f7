"""TenderSale: the active sale as its tenders pay it, the shift guard and the cart's freezing (mixin base).

CheckoutService's tender parts (tendering.py for cash and voids, card_parts.py for card parts)
share this: what a sale costs, what is paid and still due; the order recorded once the paid
tenders cover the total, in the tender's own unit of work; the cart frozen while a tender is live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.config import Settings
from pos_app.devices import CashDrawer
from pos_app.domain.money import Money, format_money
from pos_app.domain.order import Order
from pos_app.domain.people import Permission, PermissionGate
from pos_app.domain.tenders import TenderKind, TenderStatus, cash_due, remaining_after
from pos_app.errors import PaymentError
from pos_app.i18n import _
from pos_app.payments.gateway import (
    CartChanged, EmptyCart, Intent, PaymentGateway, PaymentInDoubt,
)
from pos_app.store import CartSnapshot, ChargeSnapshot, LedgerEntry, Shift, Store, Tender, UnitOfWork
from pos_app.store.db import now
from pos_app.store.reviews import ReviewReason

if TYPE_CHECKING:
    from pos_app.payments.checkout import PreparedPayment
    from pos_app.payments.intents import RevisionIntents

log = logging.getLogger(__name__)


class TenderRefused(PaymentError):
    """A tender that can't be taken or voided now (the text says why); nothing changed."""


class IdempotencyMismatch(TenderRefused):
    """A client's Idempotency-Key came back with another request than the one it was first used for."""


@dataclass(frozen=True)
class SaleTenders:
    """The active sale as its tenders stand: what it costs, what is paid, what is still due."""

    cart_uuid: str
    currency: str
    total: int
    paid: int  # by succeeded tenders
    remaining: int
    cash_due: int  # the remaining amount rounded to the currency's cash (what cash pays)
    tenders: tuple[Tender, ...]  # every tender of the cart, voided ones too, by part number

    @property
    def started(self) -> bool:
        return any(t.live for t in self.tenders)


@dataclass(frozen=True)
class CompletedSale:
    """The sale the tenders just completed, while the next cart is still empty."""

    order: Order
    tenders: tuple[Tender, ...]  # its paid tenders, by part number

    @property
    def tendered(self) -> int:
        """The cash handed over for it (0 for a sale paid by card parts only)."""
        return sum(t.tendered or 0 for t in self.tenders if t.kind == TenderKind.CASH)

    @property
    def change(self) -> int:
        return sum(t.change or 0 for t in self.tenders if t.kind == TenderKind.CASH)

    @property
    def paid_in_cash(self) -> bool:
        return any(t.kind == TenderKind.CASH for t in self.tenders)


@dataclass(frozen=True)
class CashTaken:
    tender: Tender
    change: int
    remaining: int
    order: Order | None  # when this tender completed the sale


@dataclass(frozen=True)
class PartPaid:
    """A card part went through; the sale is not complete yet (`remaining` still due)."""

    tender: Tender
    remaining: int


class TenderSale:
    """Mixed into CheckoutService, whose attributes it uses (declared here for the type checker)."""


    _lock: threading.RLock
    _store: Store
    _gateway: PaymentGateway
    _settings: Settings
    _current: PreparedPayment | None
    _intents: RevisionIntents
    _drawer: CashDrawer
    _emit: Callable[[str], None]
    _gate: PermissionGate | None

    if TYPE_CHECKING:
        def _prepared(self, entry: LedgerEntry, intent: Intent) -> PreparedPayment: ...

        def _to_review(self, entry: LedgerEntry, intent: Intent, reason: ReviewReason, details: str) -> None: ...

        def _cancel_open_of(self, cart_id: int, *, paid: str) -> None: ...

    def _require(self, permission: Permission, manager_pin: str | None = None,
                 detail: dict[str, object] | None = None) -> None:
        """The till's session says who may (CheckoutService(session=)); none given: no staff check."""
        if self._gate is not None:
            self._gate.require(permission, manager_pin=manager_pin, detail=detail)

    # -- reading ---------------------------------------------------------------------------------

    def sale_tenders(self) -> SaleTenders:
        """The active cart's tenders and what is still due."""
        snap = self._store.carts.snapshot()
        tenders = tuple(self._store.tenders.for_cart(snap.cart_id))
        sale = sale_snapshot(tenders) or charge_snapshot(snap)
        paid = sum(t.amount for t in tenders if t.paid)
        remaining = remaining_after(sale.total, [paid])
        return SaleTenders(snap.uuid, snap.totals.currency, sale.total, paid, remaining,
                           cash_due(remaining, snap.totals.currency), tenders)

    def completed_sale(self, snap: CartSnapshot) -> CompletedSale | None:
        """The sale paid by tenders just before `snap`'s cart, while that cart is still empty (None
        once a line is added, after a void, or after a sale paid wholly by one card). Read from the
        stored tenders, so a restart shows the same."""
        if not snap.empty:
            return None
        tenders = self._store.tenders.of_previous_sale(snap.cart_id)
        order_id = tenders[0].order_id if tenders else None
        order = self._store.orders.get(order_id) if order_id is not None else None
        return CompletedSale(order, tuple(tenders)) if order is not None else None

    def order_tenders(self, order: Order) -> list[Tender]:
        """The tenders an order was paid with ([] for a sale paid wholly by one card: see the order)."""
        return self._store.tenders.for_order(order.id) if order.id is not None else []

    # -- the guard -------------------------------------------------------------------------------

    def _open_shift(self) -> Shift:
        """This till's open shift; NoOpenShift if there is none (no tender is taken outside one)."""
        return self._store.shifts.require_open(self._settings.terminal_id)

    # -- the sale --------------------------------------------------------------------------------

    def _complete_if_covered(self, work: UnitOfWork, cart_id: int) -> Order | None:
        """In the tender's unit of work: record the order once the paid tenders cover the total."""
        tenders = work.tenders.for_cart(cart_id)
        live = [t for t in tenders if t.live]
        sale = sale_snapshot(tenders)
        if sale is None or any(t.status == TenderStatus.PENDING for t in live):
            return None
        if sum(t.amount for t in live) < sale.total:
            return None
        first = live[0]
        cards = [t for t in live if t.kind == TenderKind.CARD]
        order = work.orders.record(Order(
            number="", created_at=now(), currency=first.currency, lines=sale.lines, subtotal=sale.subtotal,
            tax=sale.tax, total=sale.total, payment_intent=None, cart_uuid=first.cart_uuid,
            card_brand=cards[0].card_brand if len(cards) == 1 else None,
            card_last4=cards[0].card_last4 if len(cards) == 1 else None, tax_by_rate=sale.tax_by_rate,
            order_discount=sale.order_discount))
        if order.id is not None:
            work.tenders.attach_order(cart_id, order.id)
        work.carts.settle_paid(cart_id, paid_uuid=first.cart_uuid, paid_lines=sale.paid_lines)
        log.info("sale recorded from %d tender(s): order %s, %s %s", len(live), order.number, order.total,
                 order.currency)
        return order

    def _after_tender(self, cart_id: int, order: Order | None) -> None:
        """After the tender committed: a completed sale closes the cart's other open intents (an
        earlier whole-card charge left open), and everyone hears of it."""
        if order is not None:
            self._current = None
            self._cancel_open_of(cart_id, paid="")
        self._emit("finalized" if order is not None else "tendered")

    # -- the cart --------------------------------------------------------------------------------

    def _freeze_for_tender(self) -> CartSnapshot:
        """Check the active cart and freeze it for a tender (the card form must not be open)."""
        carts = self._store.carts
        with carts.lock:
            snap = carts.snapshot()
            if snap.in_doubt:
                raise PaymentInDoubt()
            if self._current is not None and self._current.cart_uuid == snap.uuid:
                raise TenderRefused(_("The card form is open for this sale: finish or cancel it first."))
            if snap.empty:
                raise EmptyCart()
            if snap.totals.currency != self._settings.currency:
                raise CartChanged(_("The cart is priced in {upper}, the till takes {upper2}.").format(
                    upper=snap.totals.currency.upper(), upper2=self._settings.currency.upper()))
            carts.set_frozen(True)
            return snap

    def _release_cart(self) -> None:
        """Unfreeze the active cart unless a tender of it is live (it stays as the tenders pay it)."""
        carts = self._store.carts
        snap = carts.snapshot()
        if snap.frozen and not self._store.tenders.live_for_cart(snap.cart_id):
            carts.set_frozen(False)

    def _money(self, amount: int) -> str:
        return format_money(Money(amount, self._settings.currency), self._settings.locale)



def sale_snapshot(tenders: tuple[Tender, ...] | list[Tender]) -> ChargeSnapshot | None:
    """The sale a cart's live tenders pay (fixed by the first of them), if any is live."""
    live = [t for t in tenders if t.live]
    return live[0].snapshot if live else None


def charge_snapshot(snap: CartSnapshot) -> ChargeSnapshot:
    return ChargeSnapshot.of_cart(snap, metadata={"cart_uuid": snap.uuid}, description="")

