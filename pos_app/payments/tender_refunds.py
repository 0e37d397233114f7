"""TenderRefunds: a refund goes back to the tenders the sale was paid with (RefundService's part).

A sale paid by tenders has no PaymentIntent of its own: its refund is split over its paid
tenders, card parts first (the latest first, each to its own PaymentIntent, through the refund
service's reserve-then-settle path) and then the cash (out of the drawer: a `refund` cash
movement, the drawer opened CASH_REFUND). Each refund row names its tender, so what a tender has
left to give back is always worked out from the rows. A manager may choose cash for a card
refund (`to_cash`; there are no staff roles yet, issue 17): then all of it is paid out of the
drawer. A cash refund is one unit of work (its row, its movement, its success), never pending;
cash handed back is rounded to the currency's cash as cash taken is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pos_app.config import Settings
from pos_app.devices import CashDrawer
from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.order import Order
from pos_app.domain.refunds import RefundedLine
from pos_app.domain.statuses import LIVE_REFUNDS, RefundStatus
from pos_app.domain.tenders import TenderKind, cash_due
from pos_app.errors import RefundRefused
from pos_app.store import DrawerReason, RefundRecord, Store, Tender

log = logging.getLogger(__name__)

#: RefundService's settle step: (reserved row, PaymentIntent, order number) -> the settled row.
Settle = Callable[[RefundRecord, str, str], RefundRecord]


class TenderRefunds:
    def __init__(self, store: Store, settings: Settings, drawer: CashDrawer, settle: Settle) -> None:
        self._store, self._settings, self._drawer, self._settle = store, settings, drawer, settle

    def refund(self, order: Order, amount: int, reason: str | None, lines: list[RefundedLine], *,
               to_cash: bool) -> RefundRecord:
        """Refund `amount` of `order` to its tenders (or all in cash); the first row made is returned."""
        if order.id is None:
            raise RefundRefused("an order not recorded yet can't be refunded")
        first: RefundRecord | None = None
        for tender, part in self.plan(order, amount, to_cash=to_cash):
            detail = lines if first is None else []  # the units refunded are counted once, on the first row
            if tender is not None and tender.kind == TenderKind.CARD and tender.payment_intent:
                record = self._store.orders.begin_refund(order.id, part, reason, detail, tender_id=tender.id)
                record = self._settle(record, tender.payment_intent, order.number)
            else:
                record = self._in_cash(order, part, reason, detail, tender)
            first = first or record
        if first is None:
            raise RefundRefused(f"order {order.number} has nothing left to refund")
        return first

    def plan(self, order: Order, amount: int, *, to_cash: bool) -> list[tuple[Tender | None, int]]:
        """How much goes back to which tender (None: cash out of the drawer, a manager's choice)."""
        if amount <= 0:
            raise RefundRefused("a refund must be a positive amount")
        tenders = [t for t in self._store.tenders.for_order(order.id or 0) if t.paid]
        cash = next((t for t in tenders if t.kind == TenderKind.CASH), None)
        if to_cash or not tenders:
            return [(cash, amount)]
        given_back = self._given_back(order)
        ordered = sorted((t for t in tenders if t.kind == TenderKind.CARD), key=lambda t: -t.part)
        ordered += [t for t in tenders if t.kind == TenderKind.CASH]
        plan: list[tuple[Tender | None, int]] = []
        rest = amount
        for tender in ordered:
            part = min(rest, tender.amount - given_back.get(tender.id, 0))
            if part > 0:
                plan.append((tender, part))
                rest -= part
        if rest:
            raise RefundRefused(f"order {order.number}'s tenders have less than {amount} left to give back")
        return plan

    def _given_back(self, order: Order) -> dict[int, int]:
        taken: dict[int, int] = {}
        for record in self._store.orders.refunds_for(order.id or 0):
            if record.tender_id is not None and record.status in LIVE_REFUNDS:
                taken[record.tender_id] = taken.get(record.tender_id, 0) + record.amount
        return taken

    def _in_cash(self, order: Order, amount: int, reason: str | None, lines: list[RefundedLine],
                 tender: Tender | None) -> RefundRecord:
        """Out of the drawer, in one unit of work: the refund row, its cash movement, its success."""
        shift = self._store.shifts.require_open(self._settings.terminal_id)
        handed = cash_due(amount, order.currency)
        with self._store.unit_of_work() as work:
            record = work.orders.begin_refund(order.id or 0, amount, reason, lines,
                                              tender_id=tender.id if tender is not None else None)
            if handed:
                work.cash.record(shift.id, CashMovement(CashKind.REFUND, handed), order.currency, reason="refund",
                                 order_id=order.id, reference=f"refund:{record.id}")
            record = work.orders.finish_refund(record.id, status=RefundStatus.SUCCEEDED)
        self._drawer.open(DrawerReason.CASH_REFUND, shift_id=shift.id, order_id=order.id)
        log.info("refund %s of order %s: %d in cash", record.idempotency_key, order.number, handed)
        return record
