"""Amount, currency and metadata rules as Stripe applies them."""

from __future__ import annotations

from decimal import Decimal

from pos_app.domain.currencies import (
    MAXIMUM_CHARGE, MIN_DEFAULT, MIN_DEFAULT_ZERO_DECIMAL, MINIMUM_CHARGE, SUPPORTED, ZERO_DECIMAL,
    stripe_exponent, stripe_step,
)
# Parameter checks: refused before execution, so never saved against an Idempotency-Key.
from pos_app.sandbox.errors import validation_error as invalid_request

# One table of Stripe's currency rules for the till and the sandbox (domain/currencies.py):
# the sandbox reads every amount on Stripe's scale, as Stripe does.
CURRENCIES = SUPPORTED
MAX_AMOUNT = MAXIMUM_CHARGE  # eight digits

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500


def check_currency(currency: str, param: str = "currency") -> str:
    code = currency.lower()
    if code not in CURRENCIES:
        raise invalid_request(f"Invalid currency: {currency}. Stripe currently supports these "
                              f"currencies: {', '.join(sorted(CURRENCIES))}", param=param,
                              code="parameter_invalid_string")
    return code


def minimum_amount(currency: str) -> int:
    if currency in MINIMUM_CHARGE:
        return MINIMUM_CHARGE[currency]
    return MIN_DEFAULT_ZERO_DECIMAL if currency in ZERO_DECIMAL else MIN_DEFAULT


def format_amount(amount: int, currency: str) -> str:
    """An amount on Stripe's scale as Stripe's messages write it: 2000000 huf is "20000.00 huf"."""
    digits = stripe_exponent(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f} {currency}"


def check_amount(amount: int, currency: str, param: str = "amount") -> int:
    if amount < 1:
        raise invalid_request("This value must be greater than or equal to 1.", param=param,
                              code="parameter_invalid_integer")
    if amount > MAX_AMOUNT:
        raise invalid_request(f"Amount must be no more than {format_amount(MAX_AMOUNT, currency)}",
                              param=param, code="amount_too_large")
    minimum = minimum_amount(currency)
    if amount < minimum:
        raise invalid_request(f"Amount must be at least {format_amount(minimum, currency)}",
                              param=param, code="amount_too_small")
    step = stripe_step(currency)
    if amount % step:
        zeros = "digit" if step == 10 else "two digits"
        raise invalid_request(f"Amounts in {currency} must be divisible by {step} (the last {zeros} "
                              f"must be 0).", param=param, code="invalid_amount")
    return amount


def merge_metadata(current: dict[str, str], update: dict[str, str] | None,
                   param: str = "metadata") -> dict[str, str]:
    """Stripe's update rule: a key set to "" is removed; `metadata=` ({}) clears all (on update)."""
    if update is None:
        return dict(current)
    merged = {} if not update else dict(current)
    for key, value in update.items():
        if "[" in key or "]" in key:
            raise invalid_request("Metadata keys may not contain '[' or ']'.", param=param)
        if len(key) > METADATA_KEY_MAX:
            raise invalid_request(f"Metadata keys can have up to {METADATA_KEY_MAX} characters.",
                                  param=f"{param}[{key[:METADATA_KEY_MAX]}...]")
        if len(value) > METADATA_VALUE_MAX:
            raise invalid_request(f"Metadata values can have up to {METADATA_VALUE_MAX} "
                                  "characters.", param=f"{param}[{key}]")
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > METADATA_MAX_KEYS:
        raise invalid_request(f"You can specify up to {METADATA_MAX_KEYS} keys.", param=param)
    return merged
