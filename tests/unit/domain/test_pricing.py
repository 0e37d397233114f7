import pytest

from pos_app.domain.item import Catalogue, Item, ItemError, ean13_is_valid
from pos_app.domain.money import Money, MoneyError
from pos_app.domain.pricing import PricingPolicy, TaxMode, price_lines, tax_for


def usd(amount):
    return Money(amount, "usd")


SEED = Catalogue([Item("item1", "Item 1", usd(500)), Item("item2", "Item 2", usd(1000)),
                  Item("item3", "Item 3", usd(1500)), Item("item4", "Item 4", usd(700))])


def test_seed_totals_hold_with_the_default_store_config():
    totals = price_lines({"item1": 2, "item3": 1}, SEED.__getitem__, PricingPolicy())
    assert totals.subtotal == usd(2500)
    assert totals.tax == usd(0)
    assert totals.total == usd(2500)
    assert [(l.sku, l.line_total.amount) for l in totals.lines] == [("item1", 1000), ("item3", 1500)]


def test_exclusive_tax_is_added_per_rate_rounded_half_up():
    cat = Catalogue([Item("a", "A", usd(333), tax_rate_bp=1000), Item("b", "B", usd(1000), tax_rate_bp=2000),
                     Item("c", "C", usd(105), tax_rate_bp=1000)])
    totals = price_lines({"a": 1, "b": 1, "c": 1}, cat.__getitem__, PricingPolicy("usd", TaxMode.EXCLUSIVE))
    # 10 %: (333 + 105) * 0.10 = 43.8 -> 44; 20 %: 200
    assert totals.tax_by_rate == {1000: usd(44), 2000: usd(200)}
    assert totals.subtotal == usd(1438) and totals.tax == usd(244) and totals.total == usd(1682)


def test_inclusive_tax_is_contained_in_the_price():
    cat = Catalogue([Item("a", "A", usd(1200), tax_rate_bp=2000)])
    totals = price_lines({"a": 1}, cat.__getitem__, PricingPolicy("usd", TaxMode.INCLUSIVE))
    assert totals.subtotal == usd(1200) and totals.tax == usd(200) and totals.total == usd(1200)


@pytest.mark.parametrize("base, rate, mode, tax", [
    (5, 1000, TaxMode.EXCLUSIVE, 1),  # 0.5 rounds up
    (4, 1000, TaxMode.EXCLUSIVE, 0),
    (1050, 2000, TaxMode.INCLUSIVE, 175),
    (0, 2000, TaxMode.EXCLUSIVE, 0),
])
def test_tax_rounding_rule(base, rate, mode, tax):
    assert tax_for(base, rate, mode) == tax


def test_items_in_another_currency_are_refused():
    cat = Catalogue([Item("a", "A", Money(100, "eur"))])
    with pytest.raises(MoneyError, match="priced in eur"):
        price_lines({"a": 1}, cat.__getitem__, PricingPolicy("usd"))


def test_zero_decimal_currency():
    cat = Catalogue([Item("a", "A", Money(500, "jpy"), tax_rate_bp=1000)])
    totals = price_lines({"a": 3}, cat.__getitem__, PricingPolicy("jpy"))
    assert totals.total == Money(1650, "jpy")


@pytest.mark.parametrize("kwargs, field", [
    ({"sku": "bad sku"}, "sku"), ({"name": " "}, "name"), ({"price": usd(-1)}, "price"),
    ({"barcode": "12ab"}, "barcode"), ({"tax_rate_bp": 10001}, "tax rate"), ({"tax_rate_bp": 5.5}, "tax rate"),
])
def test_item_validation_names_the_field(kwargs, field):
    base = {"sku": "x1", "name": "X", "price": usd(100)}
    with pytest.raises(ItemError, match=field):
        Item(**{**base, **kwargs})


def test_ean13_check_digit():
    assert ean13_is_valid("4000000000013")
    assert not ean13_is_valid("4000000000014")


def test_three_decimal_currencies_round_tax_to_a_chargeable_step():
    cat = Catalogue([Item("a", "A", Money(1250, "kwd"), tax_rate_bp=500)])
    totals = price_lines({"a": 1}, cat.__getitem__, PricingPolicy("kwd"))
    assert totals.tax == Money(60, "kwd")  # 62.5 fils rounds to 60: charges in KWD must end in 0
    assert totals.total.amount % 10 == 0
    with pytest.raises(ItemError, match=r"multiples of 0\.010"):
        Item("b", "B", Money(1255, "kwd"))
