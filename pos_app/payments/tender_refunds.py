"""TenderRefunds: a refund goes back to the tenders the sale was paid with (RefundService's part).

A sale paid by tenders has no PaymentIntent of its own: its refund is split over its paid
tenders, card parts first (the latest first, each to its own PaymentIntent, through the refund
service's reserve-then-settle path) and then the cash (out of the drawer: a `refund` cash
movement, the drawer opened CASH_REFUND). All of its rows are written in one unit of work before
any card refund is asked for, the cash part handed back in it: a card's lost answer leaves that
row pending (retried with its key by the next refund of the order or at reconcile) and never
drops the rows after it. Each refund row names its tender, so what a tender has
left to give back is always worked out from the rows. A manager may choose cash for a card
refund (`to_cash`; there are no staff roles yet, issue 17): then all of it is paid out of the
drawer. A cash refund is one unit of work (its row, its movement, its success), never pending;
cash handed back is rounded to the currency's cash as cash taken is.

One refund split over several tenders is one refund GROUP: its rows (one per tender) share the
first row's id (`group_id`), and its refunded lines are kept on that first row. The units count
as refunded while any row of the group is live (domain/refunds.py `units_refunded`): once some of
the money went back for them (the cash part was paid out), they can't be refunded again, even if
the first row was a card part whose refund fails later at Stripe. A failed row gives back only its
amount: it no longer counts against what is left, so that amount (no units) can be refunded again,
to the card or, a manager's choice, in cash. Putting the lines on the row that cannot fail (cash)
was the other way; but a sale of two card parts has no such row, and a refund of one row's worth
would then carry its lines nowhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pos_app.config import Settings
from pos_app.devices import CashDrawer
from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.order import Order
from pos_app.domain.refunds import RefundedLine
from pos_app.domain.statuses import LIVE_REFUNDS, RefundStatus
from pos_app.domain.tenders import TenderKind, cash_due
from pos_app.errors import RefundRefused
from pos_app.i18n import _
from pos_app.store import DrawerReason, RefundRecord, Shift, Store, Tender, UnitOfWork

log = logging.getLogger(__name__)

#: RefundService's settle step: (reserved row, PaymentIntent, order number) -> the settled row.
Settle = Callable[[RefundRecord, str, str], RefundRecord]


@dataclass(frozen=True)
class RefundRow:
    """One row of a refund to tenders, as OrderBook.begin_refund reserves it."""

    amount: int
    reason: str | None
    lines: list[RefundedLine]
    tender_id: int | None
    group_id: int | None  # the group's first row; None for the first row itself
    shift_id: int | None
    request_key: str | None

    def fields(self) -> dict[str, Any]:
        return {"amount": self.amount, "reason": self.reason, "lines": self.lines, "tender_id": self.tender_id,
                "group_id": self.group_id, "shift_id": self.shift_id, "request_key": self.request_key}


class TenderRefunds:
    def __init__(self, store: Store, settings: Settings, drawer: CashDrawer, settle: Settle) -> None:
        self._store, self._settings, self._drawer, self._settle = store, settings, drawer, settle

    def refund(self, order: Order, amount: int, reason: str | None, lines: list[RefundedLine], *,
               to_cash: bool, shift_id: int | None = None, request_key: str | None = None) -> RefundRecord:
        """Refund `amount` of `order` to its tenders (or all in cash), made in shift `shift_id` for the
        client's `request_key` (kept on the first row); the first row made (the group's) is returned."""
        if order.id is None:
            raise RefundRefused(_("an order not recorded yet can't be refunded"))
        # Every row is written before any card refund is asked for: a card's lost answer then leaves
        # its row pending (retried with its key at the next refund of the order or at reconcile)
        # and never drops the rows after it; the cash part is handed back in the same unit of work.
        to_settle: list[tuple[RefundRecord, str]] = []
        first: RefundRecord | None = None
        with self._store.unit_of_work() as work:
            # Planned with the order held: another till refunding it at once has gone first, and
            # what it gave back to each tender is counted (else both plan the same card's money).
            work.orders.hold(order.id)
            plan = self.plan(order, amount, to_cash=to_cash)
            cash_shift = (self._store.shifts.require_open(self._settings.terminal_id)
                          if any(not self._by_card(tender) for tender, _ in plan) else None)
            for tender, part in plan:
                row = RefundRow(part, reason, lines if first is None else [],  # the units: on the group's first row
                                tender.id if tender is not None else None,
                                first.id if first is not None else None, shift_id, None if first else request_key)
                if tender is not None and self._by_card(tender) and tender.payment_intent:
                    record = work.orders.begin_refund(order.id, **row.fields())
                    to_settle.append((record, tender.payment_intent))
                else:
                    assert cash_shift is not None  # the plan has a cash row: its shift was required above
                    record = self._in_cash(work, order, row, cash_shift)
                first = first or record
        if first is None:
            raise RefundRefused(_("order {number} has nothing left to refund").format(number=order.number))
        if cash_shift is not None:
            self._drawer.open(DrawerReason.CASH_REFUND, shift_id=cash_shift.id, order_id=order.id)
        for record, payment_intent in to_settle:
            settled = self._settle(record, payment_intent, order.number)
            if record.id == first.id:
                first = settled
        return first

    @staticmethod
    def _by_card(tender: Tender | None) -> bool:
        return tender is not None and tender.kind == TenderKind.CARD and bool(tender.payment_intent)

    def plan(self, order: Order, amount: int, *, to_cash: bool) -> list[tuple[Tender | None, int]]:
        """How much goes back to which tender (None: cash out of the drawer, a manager's choice)."""
        if amount <= 0:
            raise RefundRefused(_("a refund must be a positive amount"))
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
            raise RefundRefused(_("order {number}'s tenders have less than {amount} left to give back").format(
                number=order.number, amount=amount))
        return plan

    def _given_back(self, order: Order) -> dict[int, int]:
        taken: dict[int, int] = {}
        for record in self._store.orders.refunds_for(order.id or 0):
            if record.tender_id is not None and record.status in LIVE_REFUNDS:
                taken[record.tender_id] = taken.get(record.tender_id, 0) + record.amount
        return taken

    def _in_cash(self, work: UnitOfWork, order: Order, row: RefundRow, shift: Shift) -> RefundRecord:
        """Out of the drawer, in the refund's unit of work: the refund row, its cash movement, its success."""
        handed = cash_due(row.amount, order.currency)
        record = work.orders.begin_refund(order.id or 0, **row.fields() | {"shift_id": shift.id})
        if handed:
            work.cash.record(shift.id, CashMovement(CashKind.REFUND, handed), order.currency, reason="refund",
                             order_id=order.id, reference=f"refund:{record.id}")
        record = work.orders.finish_refund(record.id, status=RefundStatus.SUCCEEDED)
        log.info("refund %s of order %s: %d in cash", record.idempotency_key, order.number, handed)
        return record
