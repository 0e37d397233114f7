"""Races and stale prices found in review: a paid older revision never swallows newer lines, and a
price change since the card form was first shown never charges the old amount."""

from __future__ import annotations

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.payments.gateway import AlreadyPaid

from .helpers import VISA, confirm_as_browser


def test_a_paid_older_revision_takes_only_its_lines_off_a_changed_cart(till, sandbox):
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()  # e.g. Cancel on the card page in a browser
    till.carts.add("item3")  # the cashier goes on: a new revision
    # ...but the customer had typed the card on the first form and it goes through now.
    assert confirm_as_browser(sandbox, first.client_secret, VISA)["status"] == "succeeded"

    order = till.checkout.finalize(first.payment_intent)

    assert [(l.sku, l.qty) for l in order.lines] == [("item1", 2)] and order.total == 1000
    snap = till.carts.snapshot()
    assert snap.lines == {"item3": 1}  # the unpaid line stays to be paid
    assert not snap.frozen
    second = till.checkout.prepare()
    assert second.payment_intent != first.payment_intent and second.amount == 1500


def test_paid_older_revision_found_at_charge_time_leaves_the_rest(till, sandbox):
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item3")
    confirm_as_browser(sandbox, first.client_secret, VISA)

    try:
        till.checkout.prepare()
    except AlreadyPaid as paid:
        assert paid.order.total == 1000
    else:
        raise AssertionError("prepare should have found the earlier revision paid")
    assert till.carts.snapshot().lines == {"item3": 1}
    assert till.checkout.prepare().amount == 1500


def test_a_price_change_since_the_form_was_shown_gets_a_new_intent(make_till, sandbox):
    till = make_till()
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.store.catalogue.upsert([Item("item1", "Item 1", Money(1000, "usd"))])  # price doubled
    till.close()

    again = make_till()  # a restart: the saved cart is priced from the catalogue again
    assert again.carts.snapshot().summary.total.amount == 2000
    second = again.checkout.prepare()

    assert second.amount == 2000 and second.payment_intent != first.payment_intent
    assert again.gateway.retrieve_intent(first.payment_intent).status == "canceled"
