import pytest

from pos_app.domain.money import Money, MoneyError, currency_digits, format_money, parse_money


def test_amounts_are_integer_minor_units():
    assert Money(2500, "usd").amount == 2500
    with pytest.raises(TypeError):
        Money(25.0, "usd")
    with pytest.raises(TypeError):
        Money(True, "usd")
    with pytest.raises(TypeError):
        Money(100, "usd") * 1.5


def test_currency_is_normalized_and_checked():
    assert Money(1, "USD").currency == "usd"
    with pytest.raises(MoneyError, match="unknown currency 'xyz'"):
        Money(1, "xyz")


@pytest.mark.parametrize("currency, digits", [("usd", 2), ("eur", 2), ("jpy", 0), ("krw", 0), ("kwd", 3)])
def test_currency_digits(currency, digits):
    assert currency_digits(currency) == digits


def test_arithmetic_refuses_mixed_currencies():
    assert Money(500, "usd") * 2 + Money(1500, "usd") == Money(2500, "usd")
    with pytest.raises(MoneyError, match="usd with eur"):
        Money(1, "usd") + Money(1, "eur")


@pytest.mark.parametrize("money, locale, text", [
    (Money(2500, "usd"), "en_US", "$25.00"),
    (Money(500, "jpy"), "en_US", "¥500"),
    (Money(1250, "eur"), "de_DE", "12,50\xa0€"),
    (Money(-399, "gbp"), "en_GB", "-£3.99"),
])
def test_format_for_display(money, locale, text):
    assert format_money(money, locale) == text


def test_parse_typed_amounts():
    assert parse_money("12.5", "usd") == Money(1250, "usd")
    assert parse_money(" 7 ", "usd") == Money(700, "usd")
    assert parse_money("500", "jpy") == Money(500, "jpy")
    with pytest.raises(MoneyError, match="more than 2 decimal places"):
        parse_money("1.005", "usd")
    with pytest.raises(MoneyError, match="more than 0 decimal places"):
        parse_money("5.5", "jpy")
    with pytest.raises(MoneyError, match="not an amount"):
        parse_money("five", "usd")
    with pytest.raises(MoneyError, match="not an amount"):
        parse_money("NaN", "usd")
