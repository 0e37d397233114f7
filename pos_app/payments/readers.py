"""What the till needs from Stripe Terminal's server-driven readers (smart readers: WisePOS E, S700).

The reader talks to Stripe over the internet; the till only makes REST calls (no SDK) and, having
no public URL for webhooks, polls the reader's `action` and the PaymentIntent off the GUI thread.
Amounts are the till's minor units (the adapter converts to Stripe's scale, as for card intents).
Nothing here knows about stripe-python: stripe_gateway.py adapts it and maps Stripe's errors
(terminal_reader_offline, terminal_reader_busy, ...) to the errors below, whose text is safe to show.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pos_app.errors import PaymentError
from pos_app.i18n import _
from pos_app.payments.gateway import Intent


class ReaderStatus(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class ActionStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class ReaderAction:
    """The reader's current or last `action` (Stripe's shape: type, status, failure_*)."""

    type: str  # process_payment_intent | refund_payment | set_reader_display
    status: ActionStatus
    payment_intent: str | None = None  # process_payment_intent / refund_payment
    failure_code: str | None = None  # e.g. customer_canceled, card_declined
    failure_message: str | None = None
    refund: str | None = None  # refund_payment: the Refund made once the card was presented


@dataclass(frozen=True)
class Reader:
    id: str  # tmr_...
    label: str
    device_type: str  # simulated_wisepos_e | simulated_stripe_s700 | bbpos_wisepos_e | stripe_s700
    status: ReaderStatus
    location: str  # tml_...
    serial_number: str = ""
    action: ReaderAction | None = None

    @property
    def busy(self) -> bool:
        return self.action is not None and self.action.status is ActionStatus.IN_PROGRESS


@dataclass(frozen=True)
class Location:
    id: str  # tml_...
    display_name: str


@dataclass(frozen=True)
class DisplayLine:
    """One line of the cart shown on the reader's screen (set_reader_display)."""

    description: str
    quantity: int
    amount: int  # the line's total, till minor units


@runtime_checkable
class ReaderGateway(Protocol):
    """Reader operations (the gateway behind the PaymentGateway protocol also implements these)."""

    def create_location(self, *, display_name: str, address: dict[str, str]) -> Location: ...

    def list_locations(self) -> list[Location]: ...

    def register_reader(self, *, registration_code: str, label: str, location: str) -> Reader: ...

    def list_readers(self, *, location: str | None = None) -> list[Reader]: ...

    def retrieve_reader(self, reader_id: str) -> Reader: ...

    def create_reader_intent(self, *, amount: int, currency: str, idempotency_key: str,
                             metadata: dict[str, str], description: str,
                             manual_capture: bool = False) -> Intent:
        """A card_present PaymentIntent (plus interac_present when the currency is CAD);
        manual_capture for tips (amount + tip captured afterwards)."""
        ...

    def process_payment_intent(self, reader_id: str, payment_intent: str, *, tipping: bool = False,
                               idempotency_key: str) -> Reader: ...

    def set_reader_display(self, reader_id: str, *, lines: list[DisplayLine], tax: int, total: int,
                           currency: str) -> Reader: ...

    def cancel_reader_action(self, reader_id: str) -> Reader: ...

    def capture_intent(self, pi_id: str, *, amount_to_capture: int | None,
                       idempotency_key: str) -> Intent: ...

    def refund_on_reader(self, reader_id: str, *, payment_intent: str, amount: int | None,
                         currency: str, idempotency_key: str) -> Reader:
        """Interac refunds happen on the reader (refund_payment): the customer taps again."""
        ...

    def present_payment_method(self, reader_id: str, *, number: str = "4242424242424242",
                               amount_tip: int = 0, currency: str = "usd",
                               interac: bool = False) -> Reader:
        """Test mode and training only (test_helpers): a simulated tap of a test card
        (interac: an Interac debit card, type interac_present; `number` then defaults to
        Stripe's Interac test card)."""
        ...


def reader_gateway(gateway: object) -> ReaderGateway:
    """`gateway` as a ReaderGateway (the till's gateways implement both protocols); ReaderError if not."""
    if not isinstance(gateway, ReaderGateway):
        raise ReaderError("This till's card processor has no card readers.", code="terminal_not_supported")
    return gateway


# ------------------------------------------------------------------------------------ errors


class ReaderError(PaymentError):
    """A reader could not do what was asked; the text is safe to show the cashier."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class ReaderOffline(ReaderError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The card reader is offline: check its power and network, "
                                      "then try again."), code="terminal_reader_offline")


class ReaderBusy(ReaderError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The card reader is busy with another action: wait or "
                                      "cancel it on the reader."), code="terminal_reader_busy")


class ReaderTimeout(ReaderError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The card reader didn't answer in time; the payment was "
                                      "cancelled on the reader."), code="terminal_reader_timeout")
