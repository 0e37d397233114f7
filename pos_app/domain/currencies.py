"""Stripe's currency rules in one table: which currencies it charges, its amount scale, its limits.

The till counts money in each currency's display minor units (CLDR, through Babel): 20,000 Ft is
20000 because CLDR gives HUF no decimals. Stripe's `amount` uses Stripe's own scale
(docs.stripe.com/currencies), which is not CLDR's: every currency is two-decimal to Stripe unless it
is on the zero-decimal or three-decimal list, so the same 20,000 Ft is amount=2000000. ISK and UGX
are special: zero-decimal in use, but sent as two-decimal amounts that must end in 00.

`to_stripe` and `from_stripe` convert at the gateway boundary; nothing else in the till ever sees a
Stripe-scale number. Minimums and the maximum are Stripe's, on Stripe's scale. The table is plain
data about money (no Stripe SDK), so it lives in the domain, where the settings, the gateway and
the training sandbox all read it.
"""

from __future__ import annotations

from pos_app.domain.money import Money, MoneyError, currency_digits, normalize_currency
from pos_app.i18n import _

#: Currencies a Stripe account can charge in (docs.stripe.com/currencies, "presentment currencies").
SUPPORTED = frozenset("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd
cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd
hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad
mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln
pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs
uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw
""".split())

#: Stripe's zero-decimal currencies: amount 500 jpy is ¥500.
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
#: Three-decimal: amount 1310 kwd is 1.310 KWD, and the last digit must be 0.
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())
#: Zero-decimal in use but sent as two-decimal (backwards compatibility): 5 ISK is amount=500, and
#: the amount must be divisible by 100. Takes precedence over ZERO_DECIMAL (ugx is on both lists).
WHOLE_TWO_DECIMAL = frozenset({"isk", "ugx"})
#: Two-decimal for charges, but payouts need amounts divisible by 100 (whole units).
WHOLE_FOR_PAYOUTS = frozenset({"huf", "twd"})

#: Stripe's published minimum charge amounts, on Stripe's scale (huf 17500 is 175.00 Ft).
MINIMUM_CHARGE: dict[str, int] = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000,
    "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}
MIN_DEFAULT = 50
MIN_DEFAULT_ZERO_DECIMAL = 100
#: Stripe accepts at most eight digits in `amount`, whatever the currency.
MAXIMUM_CHARGE = 99_999_999


class UnsupportedCurrency(MoneyError):
    """Stripe can't charge in this currency."""


def check_supported(currency: str, setting: str = "POS_CURRENCY") -> str:
    """The lowercase code if Stripe charges in it; else UnsupportedCurrency naming the setting."""
    code = normalize_currency(currency)
    if code not in SUPPORTED:
        raise UnsupportedCurrency(_("{setting}={currency}: Stripe can't take card payments in {upper}; choose a "
                                    "currency Stripe supports (docs.stripe.com/currencies), e.g. usd, eur or gbp")
                                  .format(setting=setting, currency=currency, upper=code.upper()))
    return code


def stripe_exponent(currency: str) -> int:
    """How many decimals Stripe's `amount` has for this currency: 0, 2 or 3."""
    code = currency.lower()
    if code in WHOLE_TWO_DECIMAL:
        return 2
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def stripe_step(currency: str) -> int:
    """The step a Stripe amount must be a multiple of: 100 for isk/ugx, 10 for three-decimal, else 1."""
    code = currency.lower()
    if code in WHOLE_TWO_DECIMAL:
        return 100
    return 10 if code in THREE_DECIMAL else 1


def _shift(currency: str) -> int:
    """Stripe's decimals minus the till's (CLDR's): +2 for huf (0 vs 2), 0 for usd."""
    return stripe_exponent(currency) - currency_digits(currency)


def to_stripe(money: Money) -> int:
    """Stripe's `amount` for a till amount: Money(20000, 'huf') -> 2000000."""
    shift = _shift(money.currency)
    if shift >= 0:
        scale: int = 10 ** shift  # typeshed calls int ** int Any: a negative power would be a float
        return money.amount * scale
    factor: int = 10 ** -shift
    if money.amount % factor:
        raise MoneyError(_("{format} has more decimals than Stripe takes in {upper}").format(
            format=money.format(), upper=money.currency.upper()))
    return money.amount // factor


def from_stripe(amount: int, currency: str) -> Money:
    """The till amount for Stripe's `amount`; MoneyError if it falls between two till minor units
    (e.g. amount=2000050 huf, 20,000.50 Ft, which the till can't represent)."""
    currency = normalize_currency(currency)
    shift = _shift(currency)
    if shift <= 0:
        return Money(amount * 10 ** -shift, currency)
    factor = 10 ** shift
    if amount % factor:
        raise MoneyError(_("Stripe amount {amount} {currency} is not a whole till amount (it must be a multiple of "
                           "{factor})").format(amount=amount, currency=currency, factor=factor))
    return Money(amount // factor, currency)


def minimum_charge(currency: str) -> Money:
    """Stripe's smallest charge in a currency, as a till amount (rounded up to one the till has)."""
    code = currency.lower()
    least = MINIMUM_CHARGE.get(code, MIN_DEFAULT_ZERO_DECIMAL if code in ZERO_DECIMAL else MIN_DEFAULT)
    shift = _shift(code)
    if shift <= 0:
        return Money(least * 10 ** -shift, code)
    return Money(-(-least // 10 ** shift), code)


def maximum_charge(currency: str) -> Money:
    """Stripe's largest charge (eight digits on its scale), as a till amount (rounded down)."""
    code = currency.lower()
    shift = _shift(code)
    if shift <= 0:
        return Money(MAXIMUM_CHARGE * 10 ** -shift, code)
    return Money(MAXIMUM_CHARGE // 10 ** shift, code)
