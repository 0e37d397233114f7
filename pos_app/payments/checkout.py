"""CheckoutService: from a cart to a recorded sale, safely.

prepare -> (the page confirms with Stripe.js) -> finalize; abandon when the card form closes;
reconcile at start-up; refund afterwards. The rules this module keeps:

- One PaymentIntent per cart revision, its ledger row written BEFORE the create call (intents.py).
- An open intent of the current revision is retrieved, never created again (this survives Stripe pruning
  keys after 24 h); an open intent of an older revision is cancelled as 'abandoned'.
- Nothing the page reports is trusted: finalize retrieves the intent; only 'succeeded' with amount_received
  and currency equal to the ledger's counts. The order (the ledger's snapshot) commits with the cart's close.
- A paid sale is never lost: wherever a succeeded intent turns up (finalize, abandon, a stale revision,
  reconcile), its order is recorded, or it goes to the review list (paid wrongly, or after a void).

prepare/finalize/abandon/reconcile are serialized by one lock (the GUI calls them from workers, the local
endpoint from werkzeug threads). Refunds are RefundService's (refunding.py, its own lock), start-up follow-up
is reconcile.py's, and the events go through one bus (events.py); this class keeps `refund`,
`follow_refunds`, `reconcile` and `subscribe` as its callers' one entry point.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pos_app.config import Settings
from pos_app.devices import CashDrawer
from pos_app.domain.order import Order
from pos_app.domain.people import Permission, PermissionGate
from pos_app.domain.statuses import PaymentStatus
from pos_app.i18n import _
from pos_app.payments.gateway import (
    AlreadyPaid, AmountTooLarge, AmountTooSmall, CartChanged, EmptyCart, GatewayUnavailable, Intent,
    InvalidPayment,
    NoPaymentInProgress, PaymentError, PaymentGateway, PaymentInDoubt, PaymentMismatch,
    PaymentNotSucceeded,
)
from pos_app.domain.currencies import maximum_charge, minimum_charge
from pos_app.payments.events import CheckoutEvents, Listener
from pos_app.payments.intents import RevisionIntents, mismatches, not_succeeded_text
from pos_app.payments.reconcile import Reconciliation
from pos_app.payments.prepared import PreparedPayment
from pos_app.payments.tendering import PartPaid, Tendering
from pos_app.payments.refunding import RefundService
from pos_app.store import CartSnapshot, LedgerEntry, RefundRecord, Store
from pos_app.store.db import now
from pos_app.store.reviews import ReviewReason

log = logging.getLogger(__name__)

__all__ = ["CheckoutService", "PreparedPayment"]


class CheckoutService(Reconciliation, Tendering):
    def __init__(self, store: Store, gateway: PaymentGateway, settings: Settings,
                 drawer: CashDrawer | None = None, *, session: PermissionGate | None = None) -> None:
        self._store = store
        self._gate = session  # the till's: selling and a manager's actions (None, tests of the money: unchecked)
        self._drawer = drawer or CashDrawer(store.drawer)  # opened by cash tenders (tendering.py)
        self._gateway = gateway
        self._settings = settings
        self._lock = threading.RLock()
        self._current: PreparedPayment | None = None
        self.events = CheckoutEvents()
        self._emit = self.events.emit
        self.refunds = RefundService(store, gateway, settings, self.events, self._drawer, session=session)
        self._intents = RevisionIntents(store, gateway, settings)

    # -- the callers' entry points to the other jobs -----------------------------------------

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """callback(event), see events.py; returns an unsubscribe function."""
        return self.events.subscribe(callback)

    def refund(self, order_id: int, amount: int | None = None, reason: str | None = "requested_by_customer",
               lines: list[tuple[str, int]] | None = None, *, to_cash: bool = False,
               request_key: str | None = None, manager_pin: str | None = None) -> RefundRecord:
        """Refund an order (refunding.RefundService.refund): to its card or tenders, or in cash."""
        return self.refunds.refund(order_id, amount, reason, lines, to_cash=to_cash, request_key=request_key,
                                   manager_pin=manager_pin)

    def follow_refunds(self, order_id: int | None = None, *, recheck_succeeded: bool = False) -> list[RefundRecord]:
        return self.refunds.follow_refunds(order_id, recheck_succeeded=recheck_succeeded)

    # -- state ---------------------------------------------------------------------------------

    def current_payment(self) -> PreparedPayment | None:
        """The payment in flight for the active cart (the checkout page shows it), if any."""
        current = self._current
        if current is not None and current.cart_uuid == self._store.carts.uuid:
            return current
        return None

    @property
    def in_flight(self) -> bool:
        return self.current_payment() is not None

    # -- prepare -------------------------------------------------------------------------------

    def prepare(self, snapshot: CartSnapshot | None = None, *, manager_pin: str | None = None) -> PreparedPayment:
        """The PaymentIntent for the active cart's revision: created once, reused afterwards.

        `snapshot`, when given, must still be the active cart's revision (else CartChanged).
        The cart stays frozen until finalize or abandon. A sale already part paid (tenders.py)
        charges what is left as a card part instead.
        """
        self._require(Permission.SELL)
        self._require_keyed(manager_pin)
        with self._lock:
            if self._store.tenders.live_for_cart(self._store.carts.snapshot().cart_id):
                return self.prepare_part(manager_pin=manager_pin)
            snap = self._freeze(snapshot)
            try:
                prepared = self._prepare_frozen(snap)
            except AlreadyPaid:
                self._current = None
                self._emit("finalized")
                raise
            except BaseException:
                # Nothing new was shown to the customer: the intent (if created) stays reusable for
                # this revision. But a card form already showing for it (a reload asking again)
                # keeps the cart frozen: the customer may be paying that very amount.
                if self.current_payment() is None:
                    self._release_cart()
                raise
            self._current = prepared
        self._emit("prepared")
        return prepared

    def _freeze(self, given: CartSnapshot | None) -> CartSnapshot:
        """Check the active cart and freeze it, atomically with respect to cart changes."""
        self._open_shift()  # no tender outside an open shift (tendering.py)
        carts = self._store.carts
        with carts.lock:
            snap = carts.snapshot()
            if snap.in_doubt:
                raise PaymentInDoubt()
            if given is not None and (given.cart_id, given.uuid) != (snap.cart_id, snap.uuid):
                raise CartChanged()
            if snap.empty:
                raise EmptyCart()
            if self._priced_differently(snap):
                # Same lines, other prices (the catalogue changed and the cart was priced again on
                # restart): a new revision, so the open intent at the old amount is never reused.
                log.info("cart %s costs something else than when it was last charged; new revision", snap.uuid)
                snap = carts.renew_revision()
            total = snap.totals.total
            if total.currency != self._settings.currency:
                raise InvalidPayment(_("the cart is priced in {upper}, the till charges in {upper2}").format(
                    upper=total.currency.upper(), upper2=self._settings.currency.upper()))
            least = minimum_charge(total.currency)
            if total < least:
                raise AmountTooSmall(total, least, self._settings.locale)
            most = maximum_charge(total.currency)
            if total > most:
                raise AmountTooLarge(total, most, self._settings.locale)
            carts.set_frozen(True)
            return snap

    def _priced_differently(self, snap: CartSnapshot) -> bool:
        entry = self._store.ledger.by_key(snap.uuid)
        if entry is None or entry.final:
            return False
        charged = [(l.sku, l.qty, l.unit_price, l.tax_rate_bp) for l in entry.snapshot.lines]
        now_priced = [(p.sku, p.qty, p.unit_price.amount, p.tax_rate_bp) for p in snap.totals.lines]
        return (charged != now_priced or entry.amount != snap.totals.total.amount
                or entry.currency != snap.totals.currency)

    def _prepare_frozen(self, snap: CartSnapshot) -> PreparedPayment:
        self.close_voided()
        self._close_older_revisions(snap)
        while True:
            entry = self._intents.entry_for_revision(snap)
            intent = self._intents.intent_for(entry, create_if_lost=True)
            if intent.status == PaymentStatus.SUCCEEDED:  # paid, but the sale was never recorded
                order = self._record_sale(entry, intent)
                if order is not None:
                    raise AlreadyPaid(order)
                continue  # paid wrongly: on the review list; this revision gets a fresh intent
            if intent.status == PaymentStatus.CANCELED:
                # Cancelled elsewhere (e.g. the Dashboard): this revision needs a fresh intent.
                self._store.ledger.set_status(entry.id, PaymentStatus.CANCELED)
                continue
            problems = mismatches(entry, intent, paid=False)
            if not problems:
                break
            self._drop_tampered(entry, intent, problems)
        if intent.status != entry.status:
            self._store.ledger.set_status(entry.id, intent.status)
        return self._prepared(entry, intent)

    def _prepared(self, entry: LedgerEntry, intent: Intent) -> PreparedPayment:
        """What the card form shows for a ledger row and its open intent."""
        snapshot = entry.snapshot
        return PreparedPayment(
            payment_intent=intent.id, client_secret=intent.client_secret or "",
            publishable_key=self._gateway.publishable_key, amount=entry.amount, currency=entry.currency,
            cart_uuid=entry.cart_uuid,
            lines=tuple({"sku": line.sku, "name": line.name, "qty": line.qty, "unit_price": line.unit_price,
                         "line_total": line.line_total} for line in snapshot.lines),
            subtotal=snapshot.subtotal, tax=snapshot.tax, total=snapshot.total)

    def _drop_tampered(self, entry: LedgerEntry, intent: Intent, problems: list[str]) -> None:
        """An unpaid intent that differs from what the till asked for is never handed to the page:
        its ledger row is closed (and the intent cancelled if it is ours), and a fresh one follows."""
        log.error("PAYMENT MISMATCH: open %s (ledger row %d) differs from what the till asked for: %s; "
                  "not used", intent.id, entry.id, "; ".join(problems))
        if intent.metadata.get("cart_uuid") == entry.cart_uuid:  # never cancel another cart's payment
            try:
                self._gateway.cancel_intent(intent.id, "abandoned")
            except PaymentError as exc:
                log.warning("could not cancel the mismatched %s: %s", intent.id, exc.message)
        self._store.ledger.set_status(entry.id, PaymentStatus.CANCELED)

    def _close_older_revisions(self, snap: CartSnapshot) -> None:
        for entry in self._store.ledger.open_for_cart(snap.cart_id):
            if entry.cart_uuid != snap.uuid:
                order = self._close_stale(entry)
                if order is not None:
                    raise AlreadyPaid(order)

    def _close_stale(self, entry: LedgerEntry, intent: Intent | None = None) -> Order | None:
        """Cancel the intent of a revision no longer charged; record it if it turns out paid."""
        ledger = self._store.ledger
        if intent is None:
            intent = self._intents.intent_for(entry, create_if_lost=False)
        if intent is None:
            log.info("ledger row %d (%s) never reached the processor; closed", entry.id,
                     entry.idempotency_key)
            ledger.set_status(entry.id, PaymentStatus.CANCELED)
            return None
        if intent.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED):
            try:
                intent = self._gateway.cancel_intent(intent.id, "abandoned")
            except InvalidPayment:  # its state changed meanwhile (e.g. just paid): look again
                intent = self._gateway.retrieve_intent(intent.id)
        if intent.status == PaymentStatus.SUCCEEDED:
            return self._record_sale(entry, intent)
        ledger.set_status(entry.id, intent.status)
        return None

    # -- finalize ------------------------------------------------------------------------------

    def finalize(self, payment_intent: str) -> Order | PartPaid:
        """Record the sale of a succeeded intent (verified at the processor) and start a new cart;
        a card part of a split sale is recorded as paid (PartPaid) until the tenders cover it.

        Idempotent: a second call returns the same order.
        """
        with self._lock:
            entry = self._store.ledger.by_intent(payment_intent)
            if entry is None:
                raise NoPaymentInProgress(_("{payment_intent} is not a payment of this till").format(
                    payment_intent=payment_intent))
            if self._part_of(entry) is not None:
                return self.finalize_part(entry)
            existing = self._store.orders.by_intent(payment_intent)
            if existing is not None:
                return existing
            intent = self._gateway.retrieve_intent(payment_intent)
            if intent.status != PaymentStatus.SUCCEEDED:
                raise PaymentNotSucceeded(not_succeeded_text(intent), status=intent.status)
            order = self._record_sale(entry, intent)
            if order is None:
                if self._current is not None and self._current.payment_intent == payment_intent:
                    self._current = None
                carts = self._store.carts
                if carts.snapshot().cart_id == entry.cart_id:
                    self._release_cart()  # selling goes on; the cart is still to be paid
                review = self._store.reviews.by_intent(payment_intent)
                details = review.details if review is not None else "see the review list"
        if order is None:
            self._emit("review")
            raise PaymentMismatch(_("The card processor reports a payment this till can't record as the sale "
                                    "({details}). Nothing was recorded as sold: payment {payment_intent} is on the "
                                    "review list for a manager to refund; the cart is still to be paid.").format(
                                        details=details, payment_intent=payment_intent))
        self._emit("finalized")
        return order

    def _record_sale(self, entry: LedgerEntry, intent: Intent) -> Order | None:
        """In ONE transaction: the order (from the ledger snapshot), the ledger row, a new cart.

        A paid intent that differs from the ledger, or that paid a voided cart, is no sale: it goes
        to the review list instead (None is returned) and the till sells on. A card part is the
        tenders' to record (tendering.py); a whole charge paid after tenders recorded the sale is none."""
        tenders = self._store.tenders.for_cart(entry.cart_id)
        if any(t.payment_id == entry.id for t in tenders):
            return self._record_part(entry, intent)
        if any(t.order_id is not None for t in tenders):
            self._to_review(entry, intent, ReviewReason.PAID_AFTER_VOID, "the sale was paid by its tenders already")
            return None
        problems = mismatches(entry, intent, paid=True)
        if problems:
            self._to_review(entry, intent, ReviewReason.MISMATCH, "; ".join(problems))
            return None
        if self._store.carts.is_voided(entry.cart_id):
            self._to_review(entry, intent, ReviewReason.PAID_AFTER_VOID,
                            "nothing was taken from the next customer's cart")
            return None
        snap = entry.snapshot
        order = Order(
            number="", created_at=now(), currency=entry.currency, lines=snap.lines,
            subtotal=snap.subtotal, tax=snap.tax, total=entry.amount, payment_intent=intent.id,
            cart_uuid=entry.cart_uuid, card_brand=intent.card_brand, card_last4=intent.card_last4,
            tax_by_rate=snap.tax_by_rate, order_discount=snap.order_discount)
        with self._store.unit_of_work() as work:
            recorded = work.orders.record(order)
            work.ledger.set_status(entry.id, PaymentStatus.SUCCEEDED)
            work.carts.settle_paid(entry.cart_id, paid_uuid=entry.cart_uuid, paid_lines=snap.paid_lines)
        carts = self._store.carts
        if self._current is not None and self._current.payment_intent == intent.id:
            self._current = None
        after = carts.snapshot()
        if after.cart_id == entry.cart_id:
            # An earlier revision was paid while the cart had changed: its paid lines came off and
            # the rest is a new revision. No other intent of this cart may still be paid now.
            self._cancel_other_revisions(after, paid=intent.id)
        else:  # the cart is closed by this sale: none of its other intents may take money now
            self._cancel_open_of(entry.cart_id, paid=intent.id)
        log.info("sale recorded: order %s, %s %s, %s", recorded.number, recorded.total, recorded.currency,
                 intent.id)
        return recorded

    def _cancel_open_of(self, cart_id: int, *, paid: str) -> None:
        for other in self._store.ledger.open_for_cart(cart_id):
            if other.payment_intent == paid:
                continue
            try:
                self._close_stale(other)
            except PaymentError as exc:  # reconcile follows it up
                log.warning("could not close %s of paid cart %d: %s",
                            other.payment_intent or other.idempotency_key, cart_id, exc.message)

    def _cancel_other_revisions(self, snap: CartSnapshot, *, paid: str) -> None:
        for other in self._store.ledger.open_for_cart(snap.cart_id):
            if other.payment_intent == paid or other.cart_uuid == snap.uuid:
                continue
            if self._current is not None and self._current.payment_intent == other.payment_intent:
                self._current = None
            try:
                self._close_stale(other)
            except PaymentError as exc:  # reconcile follows it up
                log.warning("could not close %s after an earlier revision was paid: %s",
                            other.payment_intent or other.idempotency_key, exc.message)
        if self._current is None and snap.frozen:
            self._release_cart()

    def _to_review(self, entry: LedgerEntry, intent: Intent, reason: ReviewReason, details: str) -> None:
        """Close the ledger row into the review list, in one transaction: nothing about it is lost."""
        log.error("PAYMENT FOR REVIEW: %s (ledger row %d, cart %s): %s. Not recorded as a sale; on the "
                  "review list for a manager to refund.", intent.id, entry.id, entry.cart_uuid, details)
        with self._store.unit_of_work() as work:
            work.reviews.add(payment_intent=intent.id, ledger_id=entry.id, cart_uuid=entry.cart_uuid,
                             reason=reason, details=details, amount=intent.amount_received,
                             currency=intent.currency, card_brand=intent.card_brand, card_last4=intent.card_last4)
            work.ledger.set_status(entry.id, PaymentStatus.REVIEW)
        if self._current is not None and self._current.payment_intent == intent.id:
            self._current = None

    # -- abandon -------------------------------------------------------------------------------

    def abandon(self) -> Order | None:
        """The card form was closed: unfreeze the cart; the intent stays reusable while the cart is
        unchanged. If the customer had in fact paid, the sale is recorded (and returned) instead."""
        with self._lock:
            self._current = None
            carts = self._store.carts
            snap = carts.snapshot()
            if not snap.frozen:
                return None
            order = self._record_if_paid(snap)
            if order is None:
                self._void_unpaid_parts(snap.cart_id)
                self._release_cart()
        self._emit("finalized" if order is not None else "abandoned")
        return order

    def _record_if_paid(self, snap: CartSnapshot) -> Order | None:
        for entry in self._store.ledger.open_for_cart(snap.cart_id):
            if entry.cart_uuid != snap.uuid or not entry.payment_intent:
                continue
            try:
                intent = self._gateway.retrieve_intent(entry.payment_intent)
            except GatewayUnavailable:
                return None  # the next prepare or reconcile looks again
            if intent.status == PaymentStatus.SUCCEEDED:
                return self._record_sale(entry, intent)
        return None

