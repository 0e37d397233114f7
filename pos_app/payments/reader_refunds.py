"""Interac refunds on the reader: an interac_present payment is refunded by the customer tapping again.

Stripe refunds Interac (Canada's debit) only on a reader (refund_payment): a normal Refund is
refused. RefundService's settle step asks here first for a refund row of a card part taken on a
reader: an Interac payment gets the reader's refund_payment action (the same key on every try)
and its row stays pending until the reader's action names the Refund (the next settle, at
reconcile or the next refund of the order, finds it and settles it). Any other card-present
payment is refunded the normal way (None is returned).
"""

from __future__ import annotations

import logging

from pos_app.domain.statuses import RefundStatus
from pos_app.errors import RefundRefused
from pos_app.i18n import _
from pos_app.payments.gateway import PaymentGateway
from pos_app.payments.readers import ActionStatus, reader_gateway
from pos_app.store import RefundRecord, Store, Tender

log = logging.getLogger(__name__)

INTERAC = "interac_present"


def settle_on_reader(gateway: PaymentGateway, store: Store, record: RefundRecord, tender: Tender | None,
                     payment_intent: str) -> RefundRecord | None:
    """The refund row as the reader's refund leaves it, or None when the payment is refunded normally."""
    if tender is None or tender.reader_id is None:
        return None
    intent = gateway.retrieve_intent(payment_intent)
    if intent.payment_method_type != INTERAC:
        return None
    readers, orders = reader_gateway(gateway), store.orders
    action = readers.retrieve_reader(tender.reader_id).action
    if action is not None and action.type == "refund_payment" and action.payment_intent == payment_intent:
        if action.status is ActionStatus.SUCCEEDED and action.refund:
            refund = gateway.retrieve_refund(action.refund)
            status = RefundStatus.SUCCEEDED if refund.status == "succeeded" else RefundStatus.PROCESSING
            return orders.finish_refund(record.id, status=status, refund_id=refund.id)
        if action.status is ActionStatus.IN_PROGRESS:
            return orders.refund(record.id)
        if action.status is ActionStatus.FAILED:
            orders.finish_refund(record.id, status=RefundStatus.FAILED, failure_reason=action.failure_message)
            raise RefundRefused(_("The Interac refund on the reader did not go through: {reason}")
                                .format(reason=action.failure_message))
    readers.refund_on_reader(tender.reader_id, payment_intent=payment_intent, amount=record.amount,
                             currency=record.currency, idempotency_key=record.idempotency_key)
    log.info("refund %s: Interac, on reader %s (the customer taps the card)", record.idempotency_key,
             tender.reader_id)
    return orders.refund(record.id)  # pending until the reader's action names the refund
