"""Amount, currency and metadata rules as Stripe applies them."""

from __future__ import annotations

# Parameter checks: refused before execution, so never saved against an Idempotency-Key.
from pos_app.sandbox.errors import validation_error as invalid_request

#: Currencies a Stripe account can charge in (lowercase ISO 4217).
CURRENCIES = frozenset("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd
cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd
hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad
mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln
pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs
uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw
""".split())

#: No minor unit: amount 500 jpy is ¥500.
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())

#: Three minor digits; Stripe needs the last digit to be 0.
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())

#: Stripe's published minimum charge amounts, in minor units; others get MIN_DEFAULT.
MINIMUM_AMOUNT = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
    "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}
MIN_DEFAULT = 50
MIN_DEFAULT_ZERO_DECIMAL = 100
MAX_AMOUNT = 99_999_999  # eight digits

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
    if currency in MINIMUM_AMOUNT:
        return MINIMUM_AMOUNT[currency]
    return MIN_DEFAULT_ZERO_DECIMAL if currency in ZERO_DECIMAL else MIN_DEFAULT


def format_amount(amount: int, currency: str) -> str:
    if currency in ZERO_DECIMAL:
        return f"{amount} {currency}"
    digits = 3 if currency in THREE_DECIMAL else 2
    return f"{amount / 10 ** digits:.{digits}f} {currency}"


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
    if currency in THREE_DECIMAL and amount % 10:
        raise invalid_request(f"Amounts in {currency} must be divisible by 10 (the last digit "
                              "must be 0).", param=param, code="invalid_amount")
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
