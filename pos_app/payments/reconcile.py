"""Reconciliation: CheckoutService's follow-up of unfinished payments and of set-aside carts' intents.

At start-up (and on demand) every unfinished payment; whenever a cart is voided or parked, the
cancel of its open intents (close_voided).

A part of CheckoutService kept in its own module (a mixin over the service's state: its lock, the
store, the gateway, the payment in flight): every ledger row not in a final state is retrieved;
a succeeded intent's sale is recorded (or, paid wrongly or after a void, put on the review list);
canceled ones close; an open intent of the active revision is kept, of an older revision or a
voided cart cancelled. If the processor can't be reached the active cart is "payment in doubt".
Then the refunds whose answers were lost, and Stripe's pending ones, are settled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pos_app.domain.order import Order
from pos_app.domain.statuses import PaymentStatus
from pos_app.payments.gateway import (
    AuthenticationFailed, GatewayUnavailable, IdempotencyConflict, IntentNotFound, PaymentError,
)
from pos_app.store import CartSnapshot, LedgerEntry, RefundRecord, Store

if TYPE_CHECKING:
    from pos_app.payments.checkout import PreparedPayment
    from pos_app.payments.gateway import Intent
    from pos_app.payments.intents import RevisionIntents
    from pos_app.payments.refunding import RefundService

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    finalized: list[Order] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # PI ids (or idempotency keys without a PI)
    kept: list[str] = field(default_factory=list)
    in_doubt: bool = False
    error: str | None = None
    refunds: list[RefundRecord] = field(default_factory=list)  # pending refunds settled
    review: list[str] = field(default_factory=list)  # PI ids sent to the review list


class Reconciliation:
    """Mixed into CheckoutService, whose attributes it uses (declared here for the type checker)."""

    _lock: threading.RLock
    _store: Store
    _current: PreparedPayment | None
    _intents: RevisionIntents
    refunds: RefundService
    _emit: Callable[[str], None]

    if TYPE_CHECKING:
        def _record_sale(self, entry: LedgerEntry, intent: Intent) -> Order | None: ...

        def _close_stale(self, entry: LedgerEntry, intent: Intent | None = None) -> Order | None: ...

        def _release_cart(self) -> None: ...

        def _follow_parts(self) -> None: ...

        def _captured(self, entry: LedgerEntry, intent: Intent) -> Intent: ...

    def reconcile(self) -> ReconcileReport:
        """Follow up every unfinished ledger row and pending refund (at start-up, or on demand).

        succeeded -> the order is recorded (or, paid wrongly or after a void, put on the review
        list); canceled -> closed; open for the active revision -> kept; open for an older revision
        or a voided cart -> cancelled. If the processor can't be reached the
        active cart is marked "payment in doubt" and prepare refuses it until a later reconcile
        succeeds.
        """
        with self._lock:
            report = ReconcileReport()
            carts = self._store.carts
            carts.resync()  # after the shop database was back: the cart as it holds it (a commit in doubt)
            active = carts.snapshot()
            unreachable: PaymentError | None = None
            for entry in self._store.ledger.unfinished():
                if unreachable is not None:
                    report.in_doubt |= entry.cart_id == active.cart_id
                    continue
                try:
                    self._reconcile_entry(entry, active, report)
                except (GatewayUnavailable, AuthenticationFailed, IdempotencyConflict) as exc:
                    unreachable = exc
                    report.in_doubt |= entry.cart_id == active.cart_id
            if unreachable is None:
                self._follow_parts()
                report.refunds.extend(self.refunds.settle_pending())
            if unreachable is not None:
                report.error = unreachable.message
                log.warning("reconcile incomplete: %s", unreachable.message)
            current = carts.snapshot()
            if current.cart_id == active.cart_id:
                carts.set_in_doubt(report.in_doubt)
            if self._current is None and carts.snapshot().frozen and not report.in_doubt:
                self._release_cart()  # no card form is showing: only live tenders keep it frozen
        self._emit("in_doubt" if report.in_doubt else "reconciled")
        return report

    def _reconcile_entry(self, entry: LedgerEntry, active: CartSnapshot, report: ReconcileReport) -> None:
        ledger = self._store.ledger
        label = entry.payment_intent or entry.idempotency_key
        try:
            intent = self._intents.intent_for(entry, create_if_lost=False)
        except IntentNotFound:
            log.warning("%s is unknown to the card processor; ledger row %d closed", label, entry.id)
            ledger.set_status(entry.id, PaymentStatus.CANCELED)
            report.closed.append(label)
            return
        if intent is not None and intent.status == PaymentStatus.REQUIRES_CAPTURE:
            intent = self._captured(entry, intent)  # a reader finished while the till was down: its tip too
        if intent is None:
            ledger.set_status(entry.id, PaymentStatus.CANCELED)
            report.closed.append(label)
        elif intent.status == PaymentStatus.SUCCEEDED:
            order = self._record_sale(entry, intent)
            if order is not None:
                report.finalized.append(order)
            elif self._store.reviews.by_intent(intent.id) is not None:
                report.review.append(intent.id)
            else:  # a card part paid, its sale not covered yet: resumable, what is paid shown
                report.kept.append(intent.id)
        elif intent.status == PaymentStatus.CANCELED:
            ledger.set_status(entry.id, PaymentStatus.CANCELED)
            report.closed.append(intent.id)
        elif (entry.cart_id, entry.cart_uuid) == (active.cart_id, active.uuid):
            ledger.set_status(entry.id, intent.status)
            report.kept.append(intent.id)
        else:
            order = self._close_stale(entry, intent)
            if order is not None:
                report.finalized.append(order)
            elif self._store.reviews.by_intent(intent.id) is not None:
                report.review.append(intent.id)
            else:
                report.closed.append(intent.id)

    def close_voided(self) -> None:
        """Cancel the open intents of carts the cashier voided (cleared) or parked; one that turns out
        paid goes to the review list (voided) or is recorded as the parked sale's order, never into the
        next customer's cart. Network: off the GUI thread."""
        with self._lock:
            carts = self._store.carts
            for cart_id in carts.set_aside_cart_ids():
                for entry in self._store.ledger.open_for_cart(cart_id):
                    try:
                        self._close_stale(entry)
                    except PaymentError as exc:  # the next prepare or reconcile tries again
                        log.warning("could not close %s of voided or parked cart %d: %s",
                                    entry.payment_intent or entry.idempotency_key, cart_id, exc.message)
