"""The states of a card payment and of a refund, as the till stores them (one enum each).

StrEnums: the values are the strings already stored in the database and used by Stripe, so no
stored row changes, and a member compares equal to its string.
"""

from __future__ import annotations

import enum


class PaymentStatus(enum.StrEnum):
    """One PaymentIntent as the till knows it: Stripe's seven statuses (all the gateway answers),
    and two of the payment ledger's own: CREATING (the row written before the create call) and
    REVIEW (paid, but no sale: closed into the review list, store/reviews.py)."""

    CREATING = "creating"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"
    REVIEW = "review"

    @property
    def final(self) -> bool:
        """Nothing more will happen to it: reconcile no longer follows it up."""
        return self in FINAL_PAYMENT_STATUSES


FINAL_PAYMENT_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED, PaymentStatus.REVIEW})


class RefundStatus(enum.StrEnum):
    """A refund the till made: PENDING (reserved, the processor's answer not known yet), PROCESSING
    (Stripe answered 'pending': on its way back to the card), SUCCEEDED, FAILED."""

    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


#: Refunds that count against what is left to refund: reserved, on their way, or done.
LIVE_REFUNDS = frozenset({RefundStatus.PENDING, RefundStatus.PROCESSING, RefundStatus.SUCCEEDED})
