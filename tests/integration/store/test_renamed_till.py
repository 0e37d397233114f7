"""A till's own SQLite file is one till: a changed POS_TERMINAL_ID takes its rows over; a reader changes nothing."""

from __future__ import annotations

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.order import Order, OrderLine
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store


def sell(store, n: int) -> Order:
    line = OrderLine("tea", "Tea", 1, 250, 250, 0)
    order = Order(number="", created_at=1_700_000_000 + n, currency="usd", lines=(line,), subtotal=250, tax=0,
                  total=250, payment_intent=f"pi_renamed_{n}", cart_uuid=f"cart-{n}")
    return store.orders.record(order)


def test_a_till_whose_id_changed_keeps_its_cart_and_numbers_on(tmp_path):
    path = tmp_path / "pos.sqlite3"
    with open_store(path, PricingPolicy(), till="till-1", claim_till=True) as first:
        first.catalogue.upsert([Item("tea", "Tea", Money(250, "usd"))])
        first.carts.set_qty("tea", 2)
        assert [sell(first, n).number for n in (1, 2)] == ["000001", "000002"]
    with open_store(path, PricingPolicy(), till="front", claim_till=True) as renamed:
        assert dict(renamed.carts.snapshot().lines) == {"tea": 2}  # the cart the cashier left
        assert sell(renamed, 3).number == "000003"  # never 000001 again: the orders' numbers are unique
        assert renamed.orders.by_number("2") is not None


def test_a_command_with_another_id_reads_and_changes_nothing(tmp_path):
    path = tmp_path / "pos.sqlite3"
    with open_store(path, PricingPolicy(), till="till-1", claim_till=True) as till:
        till.catalogue.upsert([Item("tea", "Tea", Money(250, "usd"))])
        till.carts.set_qty("tea", 1)
        sell(till, 1)
    with open_store(path, PricingPolicy(), till="other") as reader:  # `pos-app orders` with another .env
        assert [o.number for o in reader.orders.recent()] == ["000001"]
    with open_store(path, PricingPolicy(), till="till-1", claim_till=True) as again:
        assert dict(again.carts.snapshot().lines) == {"tea": 1} and sell(again, 2).number == "000002"
