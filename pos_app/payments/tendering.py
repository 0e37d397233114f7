"""Tendering: a sale paid by cash and card parts until they cover its total (CheckoutService's part).

A mixin over CheckoutService's state (its lock, store, gateway, the payment in flight), as
reconcile.py is. The rules it keeps:

- No tender outside an open shift of this till (NoOpenShift), card or cash.
- A sale paid wholly by one card is today's checkout (key = the cart's UUID, no tender row). Any
  other sale has tender rows: a card part is a PaymentIntent keyed "<uuid>.part<n>", its amount
  fixed when the part starts, its ledger row and tender row written together BEFORE the create.
- The first tender fixes the sale (its priced snapshot) and freezes the cart; the cart stays
  frozen while a tender is live (pending or paid). To change it, the tenders are voided: card
  parts cancelled or refunded, cash handed back as a `refund` cash movement, all recorded.
- A cash tender is one unit of work: the tender, its `sale` and `change` movements and, when it
  covers the rest, the order. A card part that covers the rest records the order in the unit of
  work that marks it paid. A crash anywhere leaves rows reconcile follows up (`_follow_parts`).
"""

from __future__ import annotations

import logging

from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.people import Permission
from pos_app.i18n import _
from pos_app.domain.tenders import CashRefused, TenderKind, TenderStatus, move, take_cash
from pos_app.payments.reader_parts import ReaderParts
from pos_app.payments.tender_sale import (
    CashTaken, IdempotencyMismatch, PartPaid, SaleTenders, TenderRefused, charge_snapshot, sale_snapshot,
)
from pos_app.store import CartSnapshot, DrawerReason, Shift, Tender

log = logging.getLogger(__name__)

__all__ = ["CashTaken", "IdempotencyMismatch", "PartPaid", "SaleTenders", "TenderRefused", "Tendering"]


class Tendering(ReaderParts):
    """Cash tenders and voids of CheckoutService (a mixin over ReaderParts, CardParts and TenderSale)."""

    # -- cash ------------------------------------------------------------------------------------

    def take_cash(self, tendered: int | None = None, *, request_key: str | None = None) -> CashTaken:
        """Take `tendered` cash (None: exactly the amount due in cash) for the active sale.

        One unit of work: the tender, its sale and change movements, and the order if this covers
        the rest. The drawer opens afterwards (CASH_SALE). With `request_key` (a client's
        Idempotency-Key), a retry of the same request answers with the tender it made, once."""
        self._require(Permission.SELL)
        with self._lock:
            if request_key is not None:
                replayed = self._replayed_cash(request_key, tendered)
                if replayed is not None:
                    return replayed
            shift = self._open_shift()
            snap = self._freeze_for_tender()
            try:
                taken = self._take_cash_frozen(snap, shift, tendered, request_key)
            except BaseException:
                self._release_cart()
                raise
        self._drawer.open(DrawerReason.CASH_SALE, shift_id=shift.id,
                          order_id=taken.order.id if taken.order is not None else None)
        self._after_tender(snap.cart_id, taken.order)
        return taken

    def _replayed_cash(self, request_key: str, tendered: int | None) -> CashTaken | None:
        """The answer a retried request gets: its tender as taken, and the sale as it stands now."""
        tender = self._store.tenders.by_request_key(request_key)
        if tender is None:
            return None
        if tender.kind != TenderKind.CASH or (tendered is not None and tendered != tender.tendered):
            raise IdempotencyMismatch(_("the Idempotency-Key {request_key!r} was used for another request; send a "
                                        "new key for a new tender").format(request_key=request_key))
        order = self._store.orders.get(tender.order_id) if tender.order_id is not None else None
        remaining = 0 if order is not None else self.sale_tenders().remaining
        return CashTaken(tender, tender.change or 0, remaining, order)

    def _take_cash_frozen(self, snap: CartSnapshot, shift: Shift, tendered: int | None,
                          request_key: str | None = None) -> CashTaken:
        if any(t.status == TenderStatus.PENDING for t in self._store.tenders.for_cart(snap.cart_id)):
            raise TenderRefused(_("A card part of this sale is still open: finish it or cancel it before taking "
                                  "cash."))
        sale = self.sale_tenders()
        try:
            take = take_cash(sale.remaining, tendered, sale.currency)
        except CashRefused as exc:
            raise TenderRefused(_("Cash not taken: {exc}.").format(exc=exc)) from None
        snapshot = sale_snapshot(sale.tenders) or charge_snapshot(snap)
        currency = sale.currency
        with self._store.unit_of_work() as work:
            tender = work.tenders.add(
                cart_id=snap.cart_id, cart_uuid=snap.uuid, kind=TenderKind.CASH,
                status=move(TenderStatus.PENDING, TenderStatus.SUCCEEDED), amount=take.applied,
                currency=currency, shift_id=shift.id, snapshot=snapshot, tendered=take.tendered,
                change=take.change, request_key=request_key)
            order = self._complete_if_covered(work, snap.cart_id)
            order_id = order.id if order is not None else None
            reference = f"tender:{tender.id}"
            if take.tendered:
                work.cash.record(shift.id, CashMovement(CashKind.SALE, take.tendered), currency,
                                 order_id=order_id, reference=reference)
            if take.change:
                work.cash.record(shift.id, CashMovement(CashKind.CHANGE, take.change), currency,
                                 order_id=order_id, reference=reference)
        log.info("cash tender %d: %d tendered, %d change, %d applied", tender.id, take.tendered, take.change,
                 take.applied)
        return CashTaken(self._store.tenders.get(tender.id) or tender, take.change,
                         sale.remaining - take.applied, order)

    # -- voiding ---------------------------------------------------------------------------------

    def void_tenders(self, *, manager_pin: str | None = None) -> SaleTenders:
        """Give back every live tender of the active sale (latest first), so the cart can change:
        card parts cancelled or refunded, cash handed back (a `refund` movement, the drawer opens).
        Giving back money taken (a paid tender) is voiding a paid sale: a manager's action, which
        `manager_pin` approves; cancelling a card part not paid yet is selling."""
        live = self._store.tenders.live_for_cart(self._store.carts.snapshot().cart_id)
        paid = sum(t.amount for t in live if t.paid)
        self._require(Permission.VOID_SALE if paid else Permission.SELL, manager_pin,
                      {"paid": paid} if paid else None)
        with self._lock:
            if self._current is not None:
                raise TenderRefused(_("The card form is open: close it before voiding the tenders."))
            if self._on_reader is not None:
                raise TenderRefused(_("A payment is waiting on the card reader: cancel it first."))
            snap = self._store.carts.snapshot()
            live = self._store.tenders.live_for_cart(snap.cart_id)
            if any(t.kind == TenderKind.CASH for t in live):
                self._open_shift()  # cash goes back out of the drawer: refused before any part is given back
            for tender in reversed(live):
                if tender.order_id is not None:
                    raise TenderRefused(_("This sale is recorded: refund it from the history instead."))
                if tender.kind == TenderKind.CARD:
                    self._void_card(tender)
                else:
                    self._void_cash(tender)
            self._release_cart()
        self._emit("voided")
        return self.sale_tenders()

    def _void_cash(self, tender: Tender) -> None:
        shift = self._open_shift()
        with self._store.unit_of_work() as work:
            if tender.received:
                work.cash.record(shift.id, CashMovement(CashKind.REFUND, tender.received), tender.currency,
                                 reason="tender voided", reference=f"tender:{tender.id}")
            work.tenders.set_status(tender.id, TenderStatus.VOIDED)
        self._drawer.open(DrawerReason.CASH_REFUND, shift_id=shift.id)
        log.info("cash tender %d voided: %d handed back", tender.id, tender.received)
