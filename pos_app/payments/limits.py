"""Stripe's amount limits per currency, in one place.

Minimum charge amounts are the ones Stripe publishes ("Minimum and maximum charge amounts",
docs.stripe.com/currencies), in minor units. A currency not in the table falls back to 50 minor
units (100 for zero-decimal currencies); Stripe itself still refuses anything below the
equivalent of 0.50 USD, and the gateway maps that refusal to AmountTooSmall too.
"""

from __future__ import annotations

MINIMUM_CHARGE: dict[str, int] = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
    "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
MIN_DEFAULT = 50
MIN_DEFAULT_ZERO_DECIMAL = 100

#: Stripe accepts at most eight digits in `amount`.
MAXIMUM_CHARGE = 99_999_999


def minimum_charge(currency: str) -> int:
    currency = currency.lower()
    if currency in MINIMUM_CHARGE:
        return MINIMUM_CHARGE[currency]
    return MIN_DEFAULT_ZERO_DECIMAL if currency in ZERO_DECIMAL else MIN_DEFAULT
