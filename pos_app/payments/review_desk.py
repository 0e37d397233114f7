"""ReviewDesk: what a manager does with the review list (store/reviews.py): see it, refund from it.

A reviewed payment moved money but is no sale (paid with another amount, or after its cart was
cleared), so the whole amount received goes back to the card. The refund is keyed by the payment
("review-refund-<pi>"): a retry after a lost answer, or a second click, refunds once.
"""

from __future__ import annotations

import logging
import threading

from pos_app.domain.people import Permission, PermissionGate
from pos_app.i18n import _
from pos_app.payments.gateway import GatewayUnavailable, IdempotencyConflict, PaymentError, PaymentGateway, \
    RefundRefused
from pos_app.payments.refunding import refund_now
from pos_app.store import ReviewItem, Store
from pos_app.store.reviews import ReviewStatus

log = logging.getLogger(__name__)


class ReviewDesk:
    def __init__(self, store: Store, gateway: PaymentGateway, *, session: PermissionGate | None = None) -> None:
        self._store = store
        self._gate = session  # a refund is a manager's action (None: no staff check, see CheckoutService)
        self._gateway = gateway
        self._lock = threading.Lock()

    def items(self, *, open_only: bool = False) -> list[ReviewItem]:
        return self._store.reviews.all(open_only=open_only)

    def refund(self, review_id: int, *, manager_pin: str | None = None) -> ReviewItem:
        """Refund a reviewed payment in full (a manager's action: `manager_pin` approves a cashier's).
        Network: call it off the GUI thread."""
        if self._gate is not None:
            self._gate.require(Permission.REFUND, manager_pin=manager_pin, detail={"review": review_id})
        reviews = self._store.reviews
        with self._lock:
            item = reviews.get(review_id)
            if item is None:
                raise RefundRefused(_("there is no payment {review_id} on the review list").format(review_id=review_id))
            if item.status == ReviewStatus.REFUNDED:
                return item
            reviews.set_status(item.id, ReviewStatus.REFUNDING)  # a crash here is retried with the same key
            try:
                result = self._gateway.refund(
                    payment_intent=item.payment_intent, amount=item.amount, currency=item.currency,
                    reason="requested_by_customer", idempotency_key=item.refund_key,
                    metadata={"review": item.reason})
            except (GatewayUnavailable, IdempotencyConflict):
                raise  # still 'refunding': the next try uses the same key
            except PaymentError as exc:
                reviews.set_status(item.id, ReviewStatus.OPEN)
                raise RefundRefused(_("The refund was refused: {message}").format(message=exc.message)) from None
            if result.status in ("failed", "canceled"):
                reviews.set_status(item.id, ReviewStatus.OPEN, refund_id=result.id)
                raise RefundRefused(_("The refund was refused by the card processor ({status}).").format(
                    status=result.status))
            log.info("reviewed payment %s refunded (%s, %s)", item.payment_intent, result.id, result.status)
            # Stripe's 'pending': still refunding, followed up until it settles
            status = ReviewStatus.REFUNDING if result.status == "pending" else ReviewStatus.REFUNDED
            return reviews.set_status(item.id, status, refund_id=result.id)

    def follow_up(self) -> list[ReviewItem]:
        """Refunds Stripe answered 'pending': refunded once they succeed, open again if they fail."""
        reviews, changed = self._store.reviews, []
        with self._lock:
            for item in reviews.all(open_only=True):
                if item.status != ReviewStatus.REFUNDING or not item.refund_id:
                    continue
                result = refund_now(self._gateway, item.refund_id)
                if result is None:
                    continue
                if result.status == "succeeded":
                    changed.append(reviews.set_status(item.id, ReviewStatus.REFUNDED))
                elif result.status in ("failed", "canceled"):
                    log.error("refund %s of reviewed payment %s FAILED (%s)", item.refund_id,
                              item.payment_intent, result.failure_reason)
                    changed.append(reviews.set_status(item.id, ReviewStatus.OPEN))
        return changed
