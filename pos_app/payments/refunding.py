"""RefundService: money back to the card, once, and followed until it is really back.

The rules it keeps:
- A refund is reserved in the store first (key "refund-<PaymentIntent>-<seq>", unique across tills
  on one Stripe account), so a retry after a lost answer reuses the same key and refunds once; the
  store never lets reserved + done refunds exceed what was paid.
- A refund left pending (its answer lost) is retried with its own key before anything new; if it
  is the same request, it IS the answer to this call.
- Two identical requests within DOUBLE_CLICK_SECONDS are one double click (unless the first failed).
- A refund Stripe answers 'pending' is 'processing' until follow_refunds sees it succeed or fail.
- A refund belongs to the shift it is made in (its row's shift_id, set when it is reserved).
- A client's Idempotency-Key (HTTP) is kept on the refund's first row: the same key again answers
  that refund (its pending rows retried with their own keys), never a second one.
All of it under one lock (the per-line quantities are checked outside the store's transaction).
"""

from __future__ import annotations

import logging
import threading
import time

from pos_app.config import Settings
from pos_app.devices import CashDrawer
from pos_app.domain.order import Order
from pos_app.domain.people import Permission, PermissionGate
from pos_app.domain.refunds import RefundedLine, left_to_refund, line_refund, refunds_taken
from pos_app.domain.statuses import LIVE_REFUNDS, RefundStatus
from pos_app.i18n import _
from pos_app.payments.events import CheckoutEvents
from pos_app.payments.gateway import (
    AuthenticationFailed, CardDeclined, GatewayUnavailable, IdempotencyConflict, InvalidPayment, PaymentError,
    PaymentGateway, RefundRefused, RefundResult,
)
from pos_app.payments.reader_refunds import settle_on_reader
from pos_app.payments.tender_refunds import TenderRefunds
from pos_app.payments.tender_sale import IdempotencyMismatch
from pos_app.store import RefundRecord, Store

log = logging.getLogger(__name__)

#: Two identical refund requests for one order this close together are one double click.
DOUBLE_CLICK_SECONDS = 3.0
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
#: What a refund Stripe answered 'pending' has become, by Stripe's refund status now (only the
#: settled ones: a pending refund stays 'processing').
_SETTLED = {"succeeded": RefundStatus.SUCCEEDED, "failed": RefundStatus.FAILED, "canceled": RefundStatus.FAILED}


class RefundService:
    def __init__(self, store: Store, gateway: PaymentGateway, settings: Settings, events: CheckoutEvents,
                 drawer: CashDrawer | None = None, *, session: PermissionGate | None = None) -> None:
        self._store = store
        self._gate = session  # a refund is a manager's action (None: no staff check, see CheckoutService)
        self._tenders = TenderRefunds(store, settings, drawer or CashDrawer(store.drawer), self._settle_refund)
        self._gateway = gateway
        self._settings = settings
        self._events = events
        self._lock = threading.RLock()
        self._recent_refunds: dict[tuple[object, ...], tuple[float, RefundRecord]] = {}

    def refund(self, order_id: int, amount: int | None = None, reason: str | None = "requested_by_customer",
               lines: list[tuple[str, int]] | None = None, *, to_cash: bool = False,
               request_key: str | None = None, manager_pin: str | None = None) -> RefundRecord:
        """Refund an order: all that is left (amount None), an amount, or lines (sku, qty).

        A manager's action (Permission.REFUND; `manager_pin` approves a cashier's): checked before
        any money moves, after the answers that move none (a replayed key, a double click).

        A sale paid by tenders is refunded to them (tender_refunds.py); `to_cash` pays it all out of
        the drawer instead, a manager's choice for a card sale.

        Per-line amounts follow domain/refunds.py. The refund is reserved in the store first
        (key "refund-<order number>-<seq>"), so a retry after a lost answer reuses the same key
        and refunds once:
        - a refund left pending (the processor's answer was lost) is retried with its own key
          before anything new; if it is the same request, it IS the answer to this call;
        - an identical request for the same order within DOUBLE_CLICK_SECONDS is a double click:
          it returns the first one's record instead of refunding again;
        - with `request_key` (a client's Idempotency-Key), the same key again returns the refund it
          made (IdempotencyMismatch for another request), its pending rows settled first.
        Returns the refund's first row; `refund_group(record)` gives all of its rows.
        """
        if reason is not None and reason not in REFUND_REASONS:
            raise InvalidPayment(_("refund reason must be one of {values}").format(
                values=', '.join(sorted(REFUND_REASONS))))
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise TypeError("refund amounts are integers in minor units")
        request = (order_id, amount, tuple(sorted(lines or ())), reason, to_cash)
        with self._lock:
            if request_key is not None:
                replayed = self._replayed(request_key, order_id, amount, reason, lines, to_cash)
                if replayed is not None:
                    return replayed
            moment = time.monotonic()
            self._recent_refunds = {k: v for k, v in self._recent_refunds.items()
                                    if moment - v[0] < DOUBLE_CLICK_SECONDS}
            recent = self._recent_refunds.get(request)
            if recent is not None and time.monotonic() - recent[0] < DOUBLE_CLICK_SECONDS:
                first = self._store.orders.refund(recent[1].id)
                if first.status in LIVE_REFUNDS:  # a failed first one is no reason to refuse a retry
                    log.info("refund of order %d asked twice in a row: refunded once", order_id)
                    return first
            orders = self._store.orders
            order = orders.get(order_id)
            if order is None:
                raise RefundRefused(_("there is no order {order_id}").format(order_id=order_id))
            if self._gate is not None:
                self._gate.require(Permission.REFUND, manager_pin=manager_pin,
                                   detail={"order": order.number, "amount": amount, "to_cash": to_cash})
            record = self._retry_pending_refunds(order_id, order, amount, lines)
            if record is None:  # the order again: settling pending refunds may have changed it
                record = self._new_refund(order_id, orders.get(order_id) or order, amount, reason, lines, to_cash,
                                          request_key)
            self._recent_refunds[request] = (time.monotonic(), record)
        self._events.emit("refunded")
        return record

    def _retry_pending_refunds(self, order_id: int, order: Order, amount: int | None,
                               lines: list[tuple[str, int]] | None) -> RefundRecord | None:
        """Settle the order's pending refunds; return the one that answers this same request."""
        wanted = sorted(_merge(lines or []))
        records = self._store.orders.refunds_for(order_id)
        for record in records:
            if record.status != RefundStatus.PENDING or record.till != self._store.journal.till:
                continue  # another till's pending refund may be on its way: that till's to settle
            if lines:
                same = sorted((row["sku"], row["qty"]) for row in record.lines) == wanted
            elif amount is None:  # "the rest": only a pending refund that was itself all that was left
                others = refunds_taken([r for r in records if r.id != record.id])
                same = not record.lines and record.amount == order.total - others
            else:
                same = not record.lines and record.amount == amount
            try:
                settled = self._settle_refund(record, self._card_of(record, order), order.number)
            except RefundRefused:
                if same:
                    raise
                continue
            if same:
                return settled
        return None

    def _new_refund(self, order_id: int, order: Order, amount: int | None, reason: str | None,
                    lines: list[tuple[str, int]] | None, to_cash: bool = False,
                    request_key: str | None = None) -> RefundRecord:
        orders = self._store.orders
        detail: list[RefundedLine] = []
        if lines:
            line_amount, detail = line_refund(order, lines, orders.refunds_for(order_id))
            if amount is not None and amount != line_amount:
                raise RefundRefused(_("the lines come to {line_amount}, not {amount}: give lines or an amount")
                                    .format(line_amount=line_amount, amount=amount))
            amount = line_amount
        if amount is None:
            amount = left_to_refund(order, orders.refunds_for(order_id))
            if amount <= 0:
                raise RefundRefused(_("order {number} is already refunded in full").format(number=order.number))
        shift = self._store.shifts.current(self._settings.terminal_id)
        shift_id = shift.id if shift is not None else None  # the shift the refund belongs to
        if to_cash or order.payment_intent is None:  # back to the sale's tenders, or out of the drawer
            return self._tenders.refund(order, amount, reason, detail, to_cash=to_cash, shift_id=shift_id,
                                        request_key=request_key)
        record = orders.begin_refund(order_id, amount, reason, detail, shift_id=shift_id,  # RefundRefused if too much
                                     request_key=request_key)
        return self._settle_refund(record, _card_of(order), order.number)

    def refund_group(self, record: RefundRecord) -> list[RefundRecord]:
        """All rows of the refund `record` is part of (one per tender it went back to), as they are now."""
        return self._store.orders.refund_group(record.group)

    def _replayed(self, request_key: str, order_id: int, amount: int | None, reason: str | None,
                  lines: list[tuple[str, int]] | None, to_cash: bool) -> RefundRecord | None:
        """The refund a request with this Idempotency-Key made (its pending rows retried first), or None."""
        first = self._store.orders.by_request_key(request_key)
        if first is None:
            return None
        group = self.refund_group(first)
        asked_lines = sorted(_merge(lines or []))
        made_lines = sorted((row["sku"], row["qty"]) for row in first.lines)
        if (first.order_id != order_id or reason != first.reason or asked_lines != made_lines
                or (amount is not None and amount != sum(r.amount for r in group))
                or (to_cash and not all(r.out_of_drawer for r in group))):
            raise IdempotencyMismatch(_("the Idempotency-Key {request_key!r} was used for another refund; send a "
                                        "new key for a new refund").format(request_key=request_key))
        order = self._store.orders.get(order_id)
        for record in group:
            if record.status == RefundStatus.PENDING and order is not None:
                try:
                    self._settle_refund(record, self._card_of(record, order), order.number)
                except RefundRefused:
                    pass  # marked failed: the answer below says so
        group = self.refund_group(first)
        if not any(r.status in LIVE_REFUNDS for r in group):
            raise RefundRefused(_("That refund was refused; nothing was refunded. Send a new Idempotency-Key to try "
                                  "again."))
        log.info("refund request %s retried: answered with the refund it made", request_key)
        return group[0]

    def _settle_refund(self, record: RefundRecord, payment_intent: str, order_number: str) -> RefundRecord:
        """Ask the processor for a reserved refund (same key on every try) and settle it."""
        orders = self._store.orders
        tender = self._store.tenders.get(record.tender_id) if record.tender_id is not None else None
        on_reader = settle_on_reader(self._gateway, self._store, record, tender, payment_intent)
        if on_reader is not None:  # Interac: refunded on the reader (reader_refunds.py)
            return on_reader
        try:
            result = self._gateway.refund(
                payment_intent=payment_intent, amount=record.amount, currency=record.currency,
                reason=record.reason,
                idempotency_key=record.idempotency_key,
                metadata={"order_number": order_number, "refund_seq": str(record.seq),
                          "terminal_id": self._settings.terminal_id})
        except IdempotencyConflict as exc:
            if exc.retryable:
                log.warning("refund %s still running at the processor; it stays pending", record.idempotency_key)
                raise
            orders.finish_refund(record.id, status=RefundStatus.FAILED)
            log.error("refund %s: the processor knows its key from another request; marked failed",
                      record.idempotency_key)
            raise RefundRefused(_("The refund could not be sent: its reference was already used for another request "
                                  "at the card processor. Nothing was refunded; try again.")) from None
        except GatewayUnavailable:
            log.warning("refund %s not confirmed yet; it stays pending and is retried with the same key",
                        record.idempotency_key)
            raise
        except (InvalidPayment, CardDeclined, AuthenticationFailed) as exc:
            orders.finish_refund(record.id, status=RefundStatus.FAILED)
            log.warning("refund %s refused: %s", record.idempotency_key, exc.message)
            raise RefundRefused(_("The refund was refused: {message}").format(message=exc.message)) from None
        if result.status == "succeeded":
            return orders.finish_refund(record.id, status=RefundStatus.SUCCEEDED, refund_id=result.id)
        if result.status == "pending":  # on its way back to the card: followed up until it settles
            log.info("refund %s is pending at the processor; followed up until it settles", result.id)
            return orders.finish_refund(record.id, status=RefundStatus.PROCESSING, refund_id=result.id)
        if result.status in ("failed", "canceled"):
            orders.finish_refund(record.id, status=RefundStatus.FAILED, refund_id=result.id)
            raise RefundRefused(_("The refund was refused by the card processor ({status}).").format(
                status=result.status))
        return orders.refund(record.id)  # requires_action: left pending

    def _card_of(self, record: RefundRecord, order: Order) -> str:
        """The PaymentIntent a reserved refund goes back to: its card part's, or the whole order's."""
        tender = self._store.tenders.get(record.tender_id) if record.tender_id is not None else None
        if tender is not None and tender.payment_intent:
            return tender.payment_intent
        return _card_of(order)

    def settle_pending(self) -> list[RefundRecord]:
        """At reconcile: retry the refunds whose answer was lost, then follow Stripe's pending ones.
        A refund's trouble is logged and left for the next time; it never puts a cart in doubt."""
        settled = []
        with self._lock:
            for record in self._store.orders.pending_refunds():
                order = self._store.orders.get(record.order_id)
                if order is None:  # the refunds table references orders: cannot happen
                    continue
                try:
                    settled.append(self._settle_refund(record, self._card_of(record, order), order.number))
                except PaymentError as exc:
                    settled.append(self._store.orders.refund(record.id))
                    log.warning("pending refund %s: %s", record.idempotency_key, exc.message)
            settled.extend(self.follow_refunds())
        return settled

    def follow_refunds(self, order_id: int | None = None, *, recheck_succeeded: bool = False) -> list[RefundRecord]:
        """Ask the processor about refunds it answered 'pending' (all, or one order's), until they
        succeed or fail; with recheck_succeeded, also an order's succeeded ones (Stripe can fail a
        refund later). A failed one is shown to the manager, and what it had taken can be refunded
        again. Returns the refunds whose status changed. Network: off the GUI thread."""
        orders = self._store.orders
        with self._lock:
            records = orders.processing_refunds(order_id)
            if recheck_succeeded and order_id is not None:
                records += [r for r in orders.refunds_for(order_id)
                            if r.status == RefundStatus.SUCCEEDED and r.refund_id]
            changed = []
            for record in records:
                if record.refund_id is None:  # never answered by the processor: settle_pending's
                    continue
                result = refund_now(self._gateway, record.refund_id)
                if result is None:
                    continue
                status = _SETTLED.get(result.status)
                if status is None or status == record.status:
                    continue
                updated = orders.finish_refund(record.id, status=status, failure_reason=result.failure_reason)
                if status == RefundStatus.FAILED:
                    log.error("refund %s of order %d FAILED at the processor (%s): nothing went back to "
                              "the card; refund it again or settle it in cash", record.refund_id,
                              record.order_id, result.failure_reason or "no reason given")
                changed.append(updated)
        if changed:
            self._events.emit("refunded")
        return changed


def refund_now(gateway: PaymentGateway, refund_id: str) -> RefundResult | None:
    """A refund's status at the processor now, or None (logged) when it can't be asked: the next
    follow-up asks again."""
    try:
        return gateway.retrieve_refund(refund_id)
    except PaymentError as exc:
        log.warning("could not follow refund %s: %s", refund_id, exc.message)
        return None


def _card_of(order: Order) -> str:
    """The PaymentIntent that paid the whole order (a sale paid by tenders has none: tender_refunds.py)."""
    if order.payment_intent is None:
        raise RefundRefused(_("order {number} was paid by several tenders or in cash: refund it to its tenders")
                            .format(number=order.number))
    return order.payment_intent


def _merge(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    merged: dict[str, int] = {}
    for sku, qty in lines:
        merged[sku] = merged.get(sku, 0) + qty if isinstance(qty, int) else qty  # line_refund refuses it
    return list(merged.items())
