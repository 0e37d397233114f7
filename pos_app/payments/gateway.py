"""What the till needs from a card processor, and the errors it may answer with.

Nothing here knows about Stripe's SDK: stripe_gateway.py adapts stripe-python to this protocol
and maps every stripe error to one of the errors below, whose text is safe to show a cashier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pos_app.domain.money import Money, format_money
from pos_app.domain.order import Order
from pos_app.domain.statuses import PaymentStatus
from pos_app.errors import PaymentError as PaymentError  # re-exported: the payment errors are all here
from pos_app.errors import RefundRefused as RefundRefused
from pos_app.i18n import _

@dataclass(frozen=True)
class Intent:
    """A PaymentIntent as the till sees it. client_secret is kept out of repr (and so out of logs)."""

    id: str
    status: PaymentStatus  # one of Stripe's seven (never the ledger's own CREATING or REVIEW)
    amount: int
    amount_received: int
    currency: str
    #: False when Stripe's amounts fall between two till minor units (changed outside the till).
    amount_exact: bool = True
    client_secret: str | None = field(default=None, repr=False)
    created: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    card_brand: str | None = None
    card_last4: str | None = None
    last_error_message: str | None = None
    last_error_code: str | None = None
    latest_charge: str | None = None
    #: What the latest charge's refunds gave back (pending ones included), in till minor units.
    amount_refunded: int = 0
    #: Authorized and not yet captured (status requires_capture), tip included; till minor units.
    amount_capturable: int = 0
    #: A tip the customer chose on a card reader (already inside `amount`); till minor units.
    amount_tip: int = 0
    payment_method_types: tuple[str, ...] = ("card",)
    capture_method: str = "automatic"
    #: How the latest charge was paid: card (keyed), card_present or interac_present (a reader).
    payment_method_type: str | None = None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # Stripe's refund status: succeeded | pending | requires_action | failed | canceled
    amount: int
    currency: str
    failure_reason: str | None = None


@runtime_checkable
class PaymentGateway(Protocol):
    publishable_key: str

    def create_intent(self, *, amount: int, currency: str, idempotency_key: str,
                      metadata: dict[str, str], description: str) -> Intent: ...

    def retrieve_intent(self, pi_id: str) -> Intent: ...

    def cancel_intent(self, pi_id: str, reason: str = "abandoned") -> Intent: ...

    def refund(self, *, payment_intent: str, amount: int | None, currency: str, reason: str | None,
               idempotency_key: str, metadata: dict[str, object] | None = None) -> RefundResult: ...

    def retrieve_refund(self, refund_id: str) -> RefundResult: ...

    def list_intents(self, *, created_gte: int, created_lt: int) -> list[Intent]: ...


# ------------------------------------------------------------------------------------ errors

# PaymentError and RefundRefused live in pos_app/errors.py (the store and the domain raise RefundRefused too).


class CardDeclined(PaymentError):
    """The card was refused; the same PaymentIntent can be tried with another card."""

    def __init__(self, message: str, *, code: str | None = None, decline_code: str | None = None,
                 payment_intent: str | None = None) -> None:
        super().__init__(message or _("The card was declined."))
        self.code, self.decline_code, self.payment_intent = code, decline_code, payment_intent


class GatewayUnavailable(PaymentError):
    """The card processor could not be reached or failed (connection, 5xx, rate limit)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The card processor can't be reached right now; "
                                      "try again in a moment."))


class IdempotencyConflict(PaymentError):
    """The idempotency key is busy (retryable: an earlier request with it is still running) or was
    used for a different request (not retryable: the same key will never work for this one)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class InvalidPayment(PaymentError):
    """The request is wrong (a bad amount, a state that does not allow it); Stripe's code and param kept."""

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.code, self.param = code, param


class IntentNotFound(InvalidPayment):
    """The processor knows no PaymentIntent with that id."""


class AuthenticationFailed(PaymentError):
    """The processor refused the till's keys."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The till's Stripe keys were refused: check STRIPE_SECRET_KEY "
                                      "and STRIPE_PUBLISHABLE_KEY."))


class EmptyCart(PaymentError):
    """Nothing to charge."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The cart is empty: add an item before charging."))


class AmountTooSmall(PaymentError):
    """Below the smallest card payment Stripe takes in the currency."""

    def __init__(self, total: Money, minimum: Money, locale: str = "en_US") -> None:
        super().__init__(_("{amount} is below the smallest card payment in {upper} ({amount2}).").format(
            amount=format_money(total, locale), upper=total.currency.upper(), amount2=format_money(minimum, locale)))
        self.amount, self.currency, self.minimum = total.amount, total.currency, minimum.amount


class AmountTooLarge(PaymentError):
    """Above the largest card payment Stripe takes (eight digits)."""

    def __init__(self, total: Money, maximum: Money, locale: str = "en_US") -> None:
        super().__init__(_("{amount} is above the largest card payment ({amount2}); split the sale.").format(
            amount=format_money(total, locale), amount2=format_money(maximum, locale)))
        self.amount, self.currency = total.amount, total.currency


class PaymentInDoubt(PaymentError):
    """The cart's last payment could not be checked with the processor: it can't be charged again yet."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("A payment for this cart is in doubt: the card processor "
                                      "could not be reached to check it. Retry the check before "
                                      "charging again."))


class PaymentNotSucceeded(PaymentError):
    """The intent asked to be recorded has not succeeded (declined, cancelled, still open)."""

    def __init__(self, message: str, *, status: str | None = None) -> None:
        super().__init__(message)
        self.status = status


class PaymentMismatch(PaymentError):
    """The processor reports a payment that differs from what the till asked for."""


class NoPaymentInProgress(PaymentError):
    """The payment named is not one this till has in flight."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("No payment is in progress."))


class CartChanged(PaymentError):
    """The cart changed after the charge was asked for."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The cart changed while charging; check it and charge "
                                      "again."))


class AlreadyPaid(PaymentError):
    """A payment for this cart turned out to have succeeded already; its order is recorded."""

    def __init__(self, order: Order) -> None:
        super().__init__(_("This cart was already paid: order {number} ({amount}) is recorded. Nothing more was "
                           "charged.").format(number=order.number, amount=format_money(order.total_money)))
        self.order = order
