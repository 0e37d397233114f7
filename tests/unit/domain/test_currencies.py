"""Stripe's amount scale (domain/currencies.py): every currency of Stripe's table, both ways."""

from __future__ import annotations

import pytest

from pos_app.domain.money import Money, MoneyError, currency_digits
from pos_app.domain.currencies import (
    MAXIMUM_CHARGE, SUPPORTED, THREE_DECIMAL, WHOLE_FOR_PAYOUTS, WHOLE_TWO_DECIMAL, ZERO_DECIMAL,
    UnsupportedCurrency, check_supported, from_stripe, maximum_charge, minimum_charge, stripe_exponent,
    stripe_step, to_stripe,
)

# Stripe's list (docs.stripe.com/currencies), written out here on its own so a slip in the table shows.
STRIPE_ZERO_DECIMAL = "bif clp djf gnf jpy kmf krw mga pyg rwf vnd vuv xaf xof xpf".split()
STRIPE_THREE_DECIMAL = "bhd jod kwd omr tnd".split()
STRIPE_SPECIAL_TWO_DECIMAL_WHOLE = ["isk", "ugx"]


def expected_exponent(currency: str) -> int:
    if currency in STRIPE_SPECIAL_TWO_DECIMAL_WHOLE:
        return 2
    if currency in STRIPE_ZERO_DECIMAL:
        return 0
    return 3 if currency in STRIPE_THREE_DECIMAL else 2


def test_the_table_is_stripes():
    assert set(STRIPE_ZERO_DECIMAL) == ZERO_DECIMAL - WHOLE_TWO_DECIMAL
    assert set(STRIPE_THREE_DECIMAL) == THREE_DECIMAL
    assert {"isk", "ugx"} == WHOLE_TWO_DECIMAL and {"huf", "twd"} == WHOLE_FOR_PAYOUTS
    assert len(SUPPORTED) >= 135 and {"usd", "eur", "huf", "jpy", "kwd", "isk"} <= SUPPORTED


@pytest.mark.parametrize("currency", sorted(SUPPORTED))
def test_every_supported_currency_converts_both_ways(currency):
    """One whole unit of the currency (e.g. 1 Ft, $1, 1 KWD) is 10**exponent on Stripe's scale,
    whatever CLDR's digits are; and the way back gives the same till amount."""
    digits, exponent = currency_digits(currency), expected_exponent(currency)
    assert stripe_exponent(currency) == exponent
    one_unit = Money(10 ** digits, currency)
    assert to_stripe(one_unit) == 10 ** exponent
    assert from_stripe(to_stripe(one_unit), currency) == one_unit
    price = Money(123 * 10 ** digits, currency)
    assert from_stripe(to_stripe(price), currency) == price
    assert to_stripe(price) % stripe_step(currency) == 0


@pytest.mark.parametrize("money, amount", [
    (Money(20000, "huf"), 2_000_000),  # 20,000 Ft: Stripe would charge 200.00 Ft for amount=20000
    (Money(150000, "idr"), 15_000_000),
    (Money(5, "isk"), 500),  # Stripe: "to charge 5 ISK, provide an amount value of 500"
    (Money(10000, "ugx"), 1_000_000),
    (Money(25000, "cop"), 2_500_000),
    (Money(100000, "lbp"), 10_000_000),
    (Money(12050, "twd"), 12050),  # CLDR and Stripe agree: 120.50 NT$
    (Money(500, "jpy"), 500),
    (Money(1310, "kwd"), 1310),
    (Money(2500, "usd"), 2500),
])
def test_known_amounts(money, amount):
    assert to_stripe(money) == amount
    assert from_stripe(amount, money.currency) == money


def test_a_stripe_amount_between_two_till_units_is_refused():
    with pytest.raises(MoneyError, match="multiple of 100"):
        from_stripe(2_000_050, "huf")  # 20,000.50 Ft: the till has no fillér


def test_minimums_and_maximum_are_stripes_on_the_till_scale():
    assert minimum_charge("usd") == Money(50, "usd")
    assert minimum_charge("gbp") == Money(30, "gbp")
    assert minimum_charge("jpy") == Money(50, "jpy")
    assert minimum_charge("huf") == Money(175, "huf")  # Stripe: 175.00 Ft
    assert minimum_charge("krw") == Money(100, "krw")
    assert maximum_charge("usd") == Money(MAXIMUM_CHARGE, "usd")
    assert maximum_charge("huf") == Money(999_999, "huf")  # 999,999.99 Ft at Stripe, whole forints here
    assert to_stripe(maximum_charge("idr")) <= MAXIMUM_CHARGE


def test_a_currency_stripe_does_not_charge_in_is_refused_naming_the_setting():
    assert check_supported("EUR") == "eur"
    with pytest.raises(UnsupportedCurrency, match=r"POS_CURRENCY=xdr.*XDR"):
        check_supported("xdr")  # a real ISO 4217 code (SDR), not a currency Stripe charges in
    with pytest.raises(MoneyError, match="unknown currency"):
        check_supported("zzz")
