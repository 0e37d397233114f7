"""CartTerms over a real store and staff: discounts, overrides and open prices, the manager's check, the journal."""

from __future__ import annotations

import pytest

from pos_app.domain.discounts import Discount, DiscountError, DiscountKind
from pos_app.domain.pricing import PricingPolicy
from pos_app.selling import percent_to_bp
from pos_app.staff import ApprovalRequired, LoginRequired, PinRefused
from pos_app.store import CartFrozen, CartService, ChargeSnapshot, OpenPriceNeeded


def percent(text: str, reason: str = "loyal customer") -> Discount:
    return Discount(DiscountKind.PERCENT, percent_to_bp(text), reason)


def amount(value: int, reason: str = "damaged box") -> Discount:
    return Discount(DiscountKind.AMOUNT, value, reason)


def types(store) -> list[str]:
    return [e.type for e in store.journal.entries()]


def test_a_cashier_gives_a_discount_within_the_limit_and_the_same_again_changes_nothing(store, terms, cashier):
    store.carts.add("tea", 2)
    before = store.carts.uuid
    snap = terms.discount(percent("10"), sku="tea")
    assert snap.uuid != before
    assert snap.line("tea").line_total.amount == 1800
    assert snap.priced.discount.amount == 200 and snap.priced.gross.amount == 2000
    entries = [e for e in store.journal.entries() if e.type == "discount"]
    assert [(e.user, e.payload["sku"], e.payload["value"], e.payload["amount"]) for e in entries] == [
        ("Demo Cashier", "tea", 1000, 200)]
    again = terms.discount(percent("10"), sku="tea")
    assert again.uuid == snap.uuid and types(store).count("discount") == 1


def test_over_the_limit_a_cashier_needs_a_managers_pin(store, terms, cashier):
    store.carts.add("tea", 1)
    before = store.carts.snapshot()
    assert terms.discount(percent("10.01"), sku="tea").priced.discount.amount == 100  # what it takes off: 10 %
    with pytest.raises(ApprovalRequired, match="give a discount above the limit"):
        terms.discount(percent("10.1"), sku="tea")
    with pytest.raises(PinRefused, match="not a manager"):
        terms.discount(percent("15"), sku="tea", manager_pin="0000")
    after = store.carts.snapshot()
    assert after.uuid != before.uuid and after.line("tea").line_total.amount == 900
    assert types(store).count("discount") == 1
    snap = terms.discount(percent("15"), sku="tea", manager_pin="1234")
    assert snap.line("tea").line_total.amount == 850
    approval = next(e for e in store.journal.entries() if e.type == "approval")
    assert approval.payload["manager"] == "Demo Manager" and approval.payload["for"] == "Demo Cashier"
    assert types(store)[-2:] == ["approval", "discount"]


def test_an_order_discount_counts_every_discount_against_the_limit(store, terms, cashier):
    store.carts.add("tea", 1)
    store.carts.add("cake", 2)
    terms.discount(percent("10"), sku="tea")  # 100 of 2000
    terms.discount(amount(100))  # 200 of 2000: 10 %, at the limit
    with pytest.raises(ApprovalRequired):
        terms.discount(amount(101))
    snap = store.carts.snapshot()
    assert snap.priced.discount.amount == 200
    assert sum(d.order_share for d in snap.priced.lines) == 100


def test_a_manager_needs_no_approval(store, terms, manager):
    store.carts.add("cake", 1)
    snap = terms.discount(percent("50"))
    assert snap.totals.total.amount == 250 and "approval" not in types(store)


def test_a_price_override_is_a_managers_and_its_removal_is_anyones(store, terms, cashier):
    store.carts.add("cake", 2)
    with pytest.raises(DiscountError, match="needs a reason"):
        terms.override_price("cake", 400, manager_pin="1234")
    with pytest.raises(ApprovalRequired, match="override a price"):
        terms.override_price("cake", 400, "price match")
    snap = terms.override_price("cake", 400, "price match", manager_pin="1234")
    assert snap.line("cake").unit_price.amount == 400 and snap.totals.subtotal.amount == 800
    entry = [e for e in store.journal.entries() if e.type == "price_override"][-1]
    assert entry.payload == {"cart_id": snap.cart_id, "sku": "cake", "unit_price": 400, "list_price": 500,
                             "reason": "price match"}
    back = terms.remove_override("cake")
    assert back.uuid != snap.uuid and back.terms == {} and back.totals.subtotal.amount == 1000
    assert [e for e in store.journal.entries() if e.type == "price_override"][-1].payload["removed"] is True


def test_nothing_changes_once_a_tender_froze_the_cart_not_even_with_a_pin(store, terms, cashier):
    store.carts.add("cake", 1)
    store.carts.set_frozen(True)
    uuid = store.carts.uuid
    with pytest.raises(CartFrozen):
        terms.discount(percent("50"), manager_pin="1234")
    with pytest.raises(CartFrozen):
        terms.override_price("cake", 1, "x", manager_pin="1234")
    assert store.carts.uuid == uuid and "approval" not in types(store)


def test_nobody_logged_in_gives_no_discount(store, terms, session):
    store.carts.add("cake", 1)
    with pytest.raises(LoginRequired):
        terms.discount(percent("5"))


def test_removing_a_line_drops_its_terms_and_terms_survive_a_restart(store, terms, manager):
    store.carts.add("cake", 1)
    store.carts.add("tea", 1)
    terms.discount(percent("20"), sku="tea")
    terms.override_price("cake", 300, "staff price")
    terms.discount(amount(50))
    reopened = CartService(store.carts._rows, store.catalogue, store.carts.pricing)
    assert reopened.snapshot().totals == store.carts.snapshot().totals
    assert reopened.snapshot().uuid == store.carts.uuid
    store.carts.remove("tea")
    snap = store.carts.snapshot()
    assert set(snap.terms) == {"cake"} and snap.order_discount == amount(50)
    reopened = CartService(store.carts._rows, store.catalogue, store.carts.pricing)
    assert dict(reopened.snapshot().terms) == dict(snap.terms)


def test_an_amount_beyond_the_line_is_refused(store, terms, manager):
    store.carts.add("cake", 1)
    with pytest.raises(DiscountError, match="more than"):
        terms.discount(amount(501), sku="cake")


def test_an_open_price_item_is_sold_only_with_a_typed_price(store, terms, cashier):
    with pytest.raises(OpenPriceNeeded):
        store.carts.add("misc")
    with pytest.raises(OpenPriceNeeded):
        store.carts.replace({"misc": 1})
    snap = terms.add_open_price("misc", 1234)
    assert snap.line("misc").line_total.amount == 1234 and "approval" not in types(store)
    snap = terms.override_price("misc", 999)  # a cashier retypes it: no manager needed
    assert snap.line("misc").unit_price.amount == 999
    assert [e.payload["unit_price"] for e in store.journal.entries() if e.type == "open_price"] == [1234, 999]
    with pytest.raises(Exception, match="no catalogue price"):
        terms.remove_override("misc")
    store.carts.add("misc", 1)  # more of it at its typed price
    assert store.carts.snapshot().line("misc").line_total.amount == 1998


def test_the_charge_and_the_order_keep_each_discount_and_override(store, terms, manager):
    store.carts.add("cake", 2)
    store.carts.add("tea", 1)
    terms.override_price("cake", 450, "price match")
    terms.discount(amount(100, "scratched"), sku="tea")
    terms.discount(percent("10", "staff"))
    snap = store.carts.snapshot()
    charge = ChargeSnapshot.from_json(ChargeSnapshot.of_cart(snap, metadata={}, description="").to_json())
    cake, tea = charge.lines
    assert (cake.gross, cake.list_price, cake.override_reason, cake.line_discount) == (900, 500, "price match", 0)
    assert (tea.gross, tea.line_discount, tea.discount_reason) == (1000, 100, "scratched")
    assert cake.order_share + tea.order_share == 180 == charge.order_discount.amount
    assert sum(line.line_total for line in charge.lines) == charge.subtotal == 1900 - 100 - 180
    assert charge.order_discount.reason == "staff"


def test_a_cart_without_terms_is_charged_as_it_always_was(store):
    store.carts.add("cake", 2)
    charge = ChargeSnapshot.of_cart(store.carts.snapshot(), metadata={}, description="")
    assert charge == ChargeSnapshot.of(store.carts.snapshot().totals, metadata={}, description="")
    assert "discount" not in charge.to_json() and "list_price" not in charge.to_json()


def test_percentages_are_strings_of_at_most_two_decimals():
    assert percent_to_bp("12.5") == 1250 and percent_to_bp("10%") == 1000
    for bad in (12.5, "1.234", "ten", "nan"):
        with pytest.raises(DiscountError):
            percent_to_bp(bad)


def test_the_pricing_policy_is_unchanged_by_terms(store):
    assert store.carts.pricing in (PricingPolicy("usd", "exclusive"), PricingPolicy("usd", "inclusive"))
