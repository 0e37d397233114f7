"""Stripe-shaped API errors: the sandbox raises these and the app factory renders them.

The body is Stripe's: {"error": {"type", "code", "decline_code", "message", "param", "payment_intent",
"doc_url", "charge", ...}} with only the keys that apply, and the HTTP status Stripe would use.
"""

from __future__ import annotations

from typing import Any

DOC_URL = "https://docs.stripe.com/error-codes/{code}"


def doc_url(code: str) -> str:
    """Stripe's page for an error code: the code with hyphens (card_declined -> card-declined)."""
    return DOC_URL.format(code=code.replace("_", "-"))


class StripeError(Exception):
    """An error answered to the client in Stripe's format."""

    def __init__(self, status: int, type: str, message: str, *, code: str | None = None,
                 decline_code: str | None = None, param: str | None = None,
                 payment_intent: dict | None = None, charge: str | None = None,
                 payment_method: dict | None = None, validation: bool = False) -> None:
        super().__init__(message)
        self.validation = validation
        self.status = status
        self.type = type
        self.message = message
        self.code = code
        self.decline_code = decline_code
        self.param = param
        self.payment_intent = payment_intent
        self.charge = charge
        self.payment_method = payment_method

    @property
    def saved_for_idempotency(self) -> bool:
        """Whether the outcome is stored against an Idempotency-Key.

        Stripe saves the result once the endpoint began executing, errors included (a
        payment_intent_unexpected_state, an unknown object, a decline, a 500); only a request that
        failed parameter validation, or conflicted with one running, is not saved. Key and version
        refusals (401/403/400) happen before the key is claimed and never reach here.
        """
        return not self.validation and self.status != 409

    def error_object(self) -> dict[str, Any]:
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        optional = {"code": self.code, "decline_code": self.decline_code, "param": self.param,
                    "payment_intent": self.payment_intent, "charge": self.charge,
                    "payment_method": self.payment_method}
        err.update({k: v for k, v in optional.items() if v is not None})
        if self.code:
            err["doc_url"] = doc_url(self.code)
        return err

    def body(self) -> dict[str, Any]:
        return {"error": self.error_object()}


def invalid_request(message: str, *, param: str | None = None, code: str | None = None,
                    status: int = 400) -> StripeError:
    return StripeError(status, "invalid_request_error", message, param=param, code=code)


def validation_error(message: str, *, param: str | None = None, code: str | None = None,
                     status: int = 400) -> StripeError:
    """A parameter refused before the endpoint runs (never saved against an Idempotency-Key)."""
    return StripeError(status, "invalid_request_error", message, param=param, code=code,
                       validation=True)


def unknown_parameter(param: str) -> StripeError:
    return validation_error(f"Received unknown parameter: {param}", param=param,
                           code="parameter_unknown")


def missing_parameter(param: str) -> StripeError:
    return validation_error(f"Missing required param: {param}.", param=param,
                           code="parameter_missing")


def no_such(kind: str, object_id: str, param: str = "id") -> StripeError:
    return invalid_request(f"No such {kind}: '{object_id}'", param=param, code="resource_missing",
                           status=404)


def unexpected_state(message: str) -> StripeError:
    return invalid_request(message, code="payment_intent_unexpected_state")


def authentication(message: str) -> StripeError:
    return StripeError(401, "invalid_request_error", message)


def idempotency_mismatch(message: str) -> StripeError:
    return StripeError(400, "idempotency_error", message)


def idempotency_in_use(key: str) -> StripeError:
    return StripeError(409, "invalid_request_error",
                       "There is currently another in-progress request using this Idempotent Key "
                       "(that probably means you submitted twice, and the other request is still "
                       f"going through): {key}. Please try again later.",
                       code="idempotency_key_in_use")


def api_error(message: str = "An unexpected error occurred in the training sandbox.") -> StripeError:
    return StripeError(500, "api_error", message)
