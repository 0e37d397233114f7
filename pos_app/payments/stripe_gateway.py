"""The PaymentGateway over stripe-python's StripeClient. The only module that imports stripe.

- Training mode passes the sandbox's address as `api_base`; test/live use Stripe's own.
- max_network_retries is explicit: stripe-python retries connection errors, 409 and 5xx with the
  same Idempotency-Key (safe, Stripe replays), never 400/402/404.
- Amounts cross this boundary converted between the till's minor units (CLDR) and Stripe's scale
  (currencies.py): 20,000 Ft is 20000 in the till and amount=2000000 at Stripe.
- The Stripe API version is pinned (STRIPE_API_VERSION), so a library upgrade can't change the
  shapes this module reads.
- Every stripe error becomes one of ours (gateway.py), raised `from None`: a stripe error's body
  can hold a PaymentIntent with its client_secret, and must not travel into a logged traceback.
- stripe-python logs request bodies and response bodies at DEBUG (card numbers in a confirm,
  client secrets in a PaymentIntent); a filter drops the "stripe" logger's DEBUG records.
"""

from __future__ import annotations

import logging
from types import TracebackType
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import stripe

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams, PaymentIntentListParams, RefundCreateParams

from pos_app.domain.money import Money, MoneyError
from pos_app.domain.currencies import from_stripe, to_stripe
from pos_app.domain.statuses import PaymentStatus
from pos_app.i18n import _
from pos_app.payments.gateway import (
    AuthenticationFailed, CardDeclined, GatewayUnavailable, IdempotencyConflict,
    Intent, IntentNotFound, InvalidPayment, PaymentError, RefundResult,
)
from pos_app.payments.readers import ReaderBusy, ReaderError, ReaderOffline, ReaderTimeout
from pos_app.payments.stripe_readers import StripeReaders, tip_of

log = logging.getLogger(__name__)

DEFAULT_MAX_NETWORK_RETRIES = 2
DEFAULT_TIMEOUT = 30.0  # seconds per attempt; a till can't wait stripe-python's default 80
INTENT_EXPAND = ["latest_charge", "payment_method"]
#: The Stripe API version this module is written for (stripe-python 16.x's own default).
STRIPE_API_VERSION = "2026-10-28.endive"


class _NoDebugBodies(logging.Filter):
    """stripe-python's DEBUG records carry raw request and response bodies: drop them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_stripe_logger = logging.getLogger("stripe")
if not any(isinstance(f, _NoDebugBodies) for f in _stripe_logger.filters):
    _stripe_logger.addFilter(_NoDebugBodies())


class StripeGateway(StripeReaders):
    """The PaymentGateway (card intents, refunds) and the ReaderGateway (stripe_readers.py)."""

    def __init__(self, secret_key: str, publishable_key: str, api_base: str | None = None, *,
                 max_network_retries: int = DEFAULT_MAX_NETWORK_RETRIES,
                 http_client: stripe.HTTPClient | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.publishable_key = publishable_key
        self.api_base = api_base or stripe.DEFAULT_API_BASE
        self.max_network_retries = max_network_retries
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            stripe_version=STRIPE_API_VERSION,
            http_client=http_client or stripe.RequestsClient(timeout=timeout),
        )

    def __repr__(self) -> str:
        return f"StripeGateway(api_base={self.api_base!r})"

    def _translated(self) -> _Translated:
        return _Translated()

    def _intent(self, pi: Any) -> Intent:
        return intent_from_stripe(pi)

    # -- PaymentGateway ------------------------------------------------------------------------

    def create_intent(self, *, amount: int, currency: str, idempotency_key: str,
                      metadata: dict[str, str], description: str) -> Intent:
        # stripe-python's params type for the pinned API version no longer lists payment_method_types,
        # which Stripe still takes: the till takes cards only, and says so (the sandbox checks it).
        params: PaymentIntentCreateParams = {
            "amount": to_stripe(Money(amount, currency)), "currency": currency,
            "payment_method_types": ["card"],  # type: ignore[typeddict-unknown-key]
            "metadata": dict(metadata), "description": description}
        with _Translated():
            pi = self._client.v1.payment_intents.create(params=params,
                                                        options={"idempotency_key": idempotency_key})
        intent = intent_from_stripe(pi)
        log.info("PaymentIntent %s ready: %d %s, status %s", intent.id, intent.amount, intent.currency,
                 intent.status)
        return intent

    def retrieve_intent(self, pi_id: str) -> Intent:
        with _Translated():
            pi = self._client.v1.payment_intents.retrieve(pi_id, params={"expand": INTENT_EXPAND})
        return intent_from_stripe(pi)

    def cancel_intent(self, pi_id: str, reason: str = "abandoned") -> Intent:
        with _Translated():
            pi = self._client.v1.payment_intents.cancel(
                pi_id, params={"cancellation_reason": reason},
                options={"idempotency_key": f"cancel-{pi_id}"})
        log.info("PaymentIntent %s canceled (%s)", pi_id, reason)
        return intent_from_stripe(pi)

    def refund(self, *, payment_intent: str, amount: int | None, currency: str, reason: str | None,
               idempotency_key: str, metadata: dict[str, object] | None = None) -> RefundResult:
        params: RefundCreateParams = {"payment_intent": payment_intent}
        if amount is not None:
            params["amount"] = to_stripe(Money(amount, currency))
        if reason:
            params["reason"] = reason
        if metadata:
            params["metadata"] = {str(k): str(v) for k, v in metadata.items()}
        with _Translated():
            refund = self._client.v1.refunds.create(params=params,
                                                    options={"idempotency_key": idempotency_key})
        log.info("refund %s of %s: %s %s, %s", refund["id"], payment_intent, refund["amount"],
                 refund["currency"], refund["status"])
        return _refund_result(refund)

    def retrieve_refund(self, refund_id: str) -> RefundResult:
        """A refund's current status: one Stripe answered 'pending' settles later (or a succeeded
        one may still fail), and a desktop till has no webhook to be told: it asks."""
        with _Translated():
            return _refund_result(self._client.v1.refunds.retrieve(refund_id))

    def list_intents(self, *, created_gte: int, created_lt: int) -> list[Intent]:
        params: PaymentIntentListParams = {"created": {"gte": created_gte, "lt": created_lt}, "limit": 100}
        with _Translated():
            page = self._client.v1.payment_intents.list(params=params)
            return [intent_from_stripe(pi) for pi in page.auto_paging_iter()]


# ---------------------------------------------------------------------------------- mapping


def intent_from_stripe(pi: Any) -> Intent:
    data = pi.to_dict() if hasattr(pi, "to_dict") else dict(pi)
    brand, last4 = _card_of(data)
    error = data.get("last_payment_error") or {}
    charge = data.get("latest_charge")
    amount, exact = _till_amount(data["amount"], data["currency"])
    received, exact_received = _till_amount(data.get("amount_received") or 0, data["currency"])
    capturable, _ = _till_amount(data.get("amount_capturable") or 0, data["currency"])
    return Intent(
        id=data["id"], status=PaymentStatus(data["status"]), amount=amount, amount_received=received,
        amount_exact=exact and exact_received, currency=data["currency"],
        client_secret=data.get("client_secret"), created=data.get("created") or 0,
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        card_brand=brand, card_last4=last4,
        last_error_message=error.get("message"), last_error_code=error.get("decline_code") or error.get("code"),
        latest_charge=charge.get("id") if isinstance(charge, dict) else charge,
        amount_refunded=_till_amount(charge.get("amount_refunded") or 0, data["currency"])[0]
        if isinstance(charge, dict) else 0,
        amount_capturable=capturable, amount_tip=tip_of(data),
        payment_method_types=tuple(data.get("payment_method_types") or ("card",)),
        capture_method=data.get("capture_method") or "automatic",
        payment_method_type=((charge.get("payment_method_details") or {}).get("type")
                             if isinstance(charge, dict) else None),
    )


def _refund_result(refund: Any) -> RefundResult:
    data = refund.to_dict() if hasattr(refund, "to_dict") else dict(refund)
    amount, _ = _till_amount(data["amount"], data["currency"])
    return RefundResult(id=data["id"], status=data["status"], amount=amount, currency=data["currency"],
                        failure_reason=data.get("failure_reason"))


def _till_amount(amount: int, currency: str) -> tuple[int, bool]:
    """A Stripe amount in till minor units, and whether it converts exactly (20,000.50 Ft does not:
    the till has no fillér; such an amount never matches what the till asked for)."""
    try:
        return from_stripe(amount, currency).amount, True
    except MoneyError:
        factor = to_stripe(Money(1, currency))
        return amount // factor, False


def _card_of(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """Brand and last4 of the card that paid (the latest charge), else of the attached method."""
    charge = data.get("latest_charge")
    if isinstance(charge, dict):
        details = charge.get("payment_method_details") or {}
        card = details.get(details.get("type") or "card") or {}  # card, card_present, interac_present
        if card.get("last4"):
            return card.get("brand"), card.get("last4")
    method = data.get("payment_method")
    if isinstance(method, dict):
        card = method.get(method.get("type") or "card") or {}
        return card.get("brand"), card.get("last4")
    return None, None


class _Translated:
    """Context manager: stripe errors -> PaymentError subclasses (text safe to show)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if exc is None or not isinstance(exc, stripe.StripeError):
            return False
        raise translate(exc) from None


#: Stripe's reader errors -> ours, whose text tells the cashier what to do.
_READER_ERRORS: dict[str, Callable[[], ReaderError]] = {
    "terminal_reader_offline": ReaderOffline, "terminal_reader_busy": ReaderBusy,
    "terminal_reader_timeout": ReaderTimeout}


def translate(exc: stripe.StripeError) -> PaymentError:
    message = exc.user_message or "The card processor refused the request."
    error = exc.error
    code = getattr(error, "code", None) if error is not None else None
    if isinstance(exc, stripe.CardError):
        pi = getattr(error, "payment_intent", None) if error is not None else None
        pi_id = pi["id"] if isinstance(pi, (dict, stripe.StripeObject)) else pi
        return CardDeclined(message, code=code, decline_code=getattr(error, "decline_code", None),
                            payment_intent=pi_id)
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        log.error("the Stripe API refused the till's keys (%s)", type(exc).__name__)
        return AuthenticationFailed()
    if code in _READER_ERRORS:
        return _READER_ERRORS[code]()
    if isinstance(exc, stripe.InvalidRequestError) and (
            (code or "").startswith("terminal_") or "terminal.reader" in message):
        return ReaderError(message, code=code)
    if code == "idempotency_key_in_use":
        return IdempotencyConflict(message, retryable=True)
    if isinstance(exc, stripe.IdempotencyError):  # the key was used with other parameters
        return IdempotencyConflict(message, retryable=False)
    if isinstance(exc, stripe.RateLimitError):
        return GatewayUnavailable(_("The card processor is busy; try again in a moment."))
    if isinstance(exc, stripe.APIConnectionError):
        log.warning("card processor unreachable: %s", message)
        return GatewayUnavailable()
    if isinstance(exc, stripe.InvalidRequestError):
        if exc.http_status == 404 or code == "resource_missing":
            return IntentNotFound(message, code=code, param=getattr(exc, "param", None))
        return InvalidPayment(message, code=code, param=getattr(exc, "param", None))
    if (exc.http_status or 500) >= 500:
        log.warning("card processor error %s: %s", exc.http_status, message)
        return GatewayUnavailable()
    return InvalidPayment(message, code=code)
