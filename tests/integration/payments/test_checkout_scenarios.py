"""The seed's four checkout scenarios, end to end against the sandbox, plus prepare's refusals."""

from __future__ import annotations

import pytest

from pos_app.payments.checkout import PreparedPayment
from pos_app.payments.gateway import (
    AmountTooSmall, CartChanged, EmptyCart, NoPaymentInProgress, PaymentNotSucceeded,
)
from pos_app.store import CartFrozen
from pos_app.web.errors import http_status_for

from .helpers import DECLINED, MASTERCARD, THREE_D_SECURE, VISA, complete_3ds, confirm_as_browser, \
    successful_charges


def fill(till, **lines) -> None:
    till.carts.replace(lines)


def test_pay_records_one_order_and_starts_a_new_cart(till, sandbox, sandbox_state):
    fill(till, item1=2, espresso=1)  # 2 x 5.00 + 2.50
    old = till.carts.snapshot()
    prepared = till.checkout.prepare()

    assert prepared.amount == 1250 and prepared.currency == "usd" and prepared.total == 1250
    assert prepared.cart_uuid == old.uuid
    assert [l["sku"] for l in prepared.lines] == ["item1", "espresso"]
    assert prepared.publishable_key.startswith("pk_test_")
    assert till.carts.snapshot().frozen and till.checkout.in_flight
    assert till.checkout.current_payment() == prepared
    pi = sandbox_state.get("payment_intent", prepared.payment_intent)
    assert pi["status"] == "requires_payment_method"
    assert pi["metadata"] == {"cart_uuid": old.uuid, "terminal_id": "till-7", "line_count": "2"}
    assert pi["payment_method_types"] == ["card"]
    with pytest.raises(CartFrozen):
        till.carts.add("item2")

    result = confirm_as_browser(sandbox, prepared.client_secret, VISA)
    assert result["status"] == "succeeded"
    order = till.checkout.finalize(prepared.payment_intent)

    assert order.id is not None and order.number == "000001"
    assert (order.total, order.currency, order.payment_intent) == (1250, "usd", prepared.payment_intent)
    assert (order.card_brand, order.card_last4) == ("visa", "4242")
    assert [(l.sku, l.qty, l.line_total) for l in order.lines] == [("item1", 2, 1000), ("espresso", 1, 250)]
    new = till.carts.snapshot()
    assert new.empty and not new.frozen and new.uuid != old.uuid and new.cart_id != old.cart_id
    assert till.checkout.finalize(prepared.payment_intent) == order  # twice: the same order
    assert till.store.orders.count() == 1
    assert till.store.ledger.by_intent(prepared.payment_intent).status == "succeeded"
    assert len(successful_charges(sandbox_state)) == 1
    assert till.events == ["prepared", "finalized"]
    assert not till.checkout.in_flight


def test_decline_then_another_card_on_the_same_payment_intent(till, sandbox, sandbox_state):
    fill(till, item2=1)
    prepared = till.checkout.prepare()

    declined = confirm_as_browser(sandbox, prepared.client_secret, DECLINED)
    assert declined["error"]["decline_code"] == "generic_decline"
    with pytest.raises(PaymentNotSucceeded, match="declined"):
        till.checkout.finalize(prepared.payment_intent)
    assert till.store.orders.count() == 0
    assert till.carts.snapshot().lines == {"item2": 1}  # the cart is intact, still frozen
    assert till.carts.snapshot().frozen

    again = till.checkout.prepare()  # the page asks again: the same PaymentIntent
    assert again.payment_intent == prepared.payment_intent
    assert confirm_as_browser(sandbox, again.client_secret, MASTERCARD)["status"] == "succeeded"
    order = till.checkout.finalize(prepared.payment_intent)
    assert (order.card_brand, order.card_last4, order.total) == ("mastercard", "4444", 1000)
    assert len(sandbox_state.all("payment_intent")) == 1
    assert len(successful_charges(sandbox_state)) == 1


def test_three_d_secure_then_finalize(till, sandbox):
    fill(till, item3=1)
    prepared = till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, THREE_D_SECURE)["status"] == "requires_action"
    with pytest.raises(PaymentNotSucceeded):
        till.checkout.finalize(prepared.payment_intent)
    assert complete_3ds(sandbox, prepared.client_secret)["status"] == "succeeded"
    assert till.checkout.finalize(prepared.payment_intent).total == 1500


def test_close_and_come_back_gets_the_same_payment_intent(till, sandbox, sandbox_state):
    fill(till, item1=1)
    first = till.checkout.prepare()
    till.checkout.abandon()

    snap = till.carts.snapshot()
    assert not snap.frozen and snap.uuid == first.cart_uuid
    assert not till.checkout.in_flight and till.checkout.current_payment() is None
    assert sandbox_state.get("payment_intent", first.payment_intent)["status"] == "requires_payment_method"
    till.carts.replace({"item1": 1})  # a no-op POST keeps the revision

    second = till.checkout.prepare()
    assert second.payment_intent == first.payment_intent
    assert second.client_secret == first.client_secret
    assert len(sandbox_state.all("payment_intent")) == 1
    assert confirm_as_browser(sandbox, second.client_secret, VISA)["status"] == "succeeded"
    assert till.checkout.finalize(second.payment_intent).total == 500
    assert till.events == ["prepared", "abandoned", "prepared", "finalized"]


def test_changing_the_cart_gets_a_new_payment_intent_and_cancels_the_old(till, sandbox, sandbox_state):
    fill(till, item1=1)
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item2")

    second = till.checkout.prepare()
    assert second.payment_intent != first.payment_intent
    assert second.amount == 1500
    old = sandbox_state.get("payment_intent", first.payment_intent)
    assert (old["status"], old["cancellation_reason"]) == ("canceled", "abandoned")
    assert till.store.ledger.by_intent(first.payment_intent).status == "canceled"
    # The old client secret can no longer take money.
    assert "error" in confirm_as_browser(sandbox, first.client_secret, VISA)
    assert confirm_as_browser(sandbox, second.client_secret, VISA)["status"] == "succeeded"
    order = till.checkout.finalize(second.payment_intent)
    assert [(l.sku, l.qty) for l in order.lines] == [("item1", 1), ("item2", 1)]
    assert len(successful_charges(sandbox_state)) == 1


def test_abandon_after_the_customer_paid_records_the_sale(till, sandbox):
    fill(till, item4=1)
    prepared = till.checkout.prepare()
    confirm_as_browser(sandbox, prepared.client_secret, VISA)
    order = till.checkout.abandon()  # the dialog closed before the page reported success
    assert order is not None and order.payment_intent == prepared.payment_intent
    assert till.carts.snapshot().empty and till.store.orders.count() == 1


def test_finalize_refuses_an_unpaid_or_unknown_intent(till):
    fill(till, item1=1)
    prepared = till.checkout.prepare()
    with pytest.raises(PaymentNotSucceeded):
        till.checkout.finalize(prepared.payment_intent)
    with pytest.raises(NoPaymentInProgress):
        till.checkout.finalize("pi_not_from_this_till")
    assert till.store.orders.count() == 0 and till.carts.snapshot().frozen


def test_prepare_refuses_an_empty_cart(till, sandbox_state):
    with pytest.raises(EmptyCart) as info:
        till.checkout.prepare()
    assert http_status_for(info.value) == 400
    assert sandbox_state.all("payment_intent") == [] and till.store.ledger.all() == []
    assert not till.carts.snapshot().frozen


def test_prepare_refuses_a_total_below_the_currency_minimum(make_till, settings, sandbox_state):
    till = make_till(settings_=settings.with_(currency="gbp"))
    till.store.catalogue.upsert([_item("mint", 29, "gbp"), _item("gum", 30, "gbp")])
    till.carts.replace({"mint": 1})
    with pytest.raises(AmountTooSmall, match=r"£0\.29.*£0\.30") as info:
        till.checkout.prepare()
    assert http_status_for(info.value) == 400 and info.value.minimum == 30
    assert sandbox_state.all("payment_intent") == [] and not till.carts.snapshot().frozen
    till.carts.replace({"gum": 1})
    assert till.checkout.prepare().amount == 30  # exactly the minimum is fine


def test_prepare_refuses_a_stale_snapshot(till, sandbox_state):
    fill(till, item1=1)
    stale = till.carts.snapshot()
    till.carts.add("item1")
    with pytest.raises(CartChanged):
        till.checkout.prepare(stale)
    assert sandbox_state.all("payment_intent") == []
    assert isinstance(till.checkout.prepare(till.carts.snapshot()), PreparedPayment)


def test_prepared_payment_repr_hides_the_client_secret(till):
    fill(till, item1=1)
    prepared = till.checkout.prepare()
    assert prepared.client_secret and prepared.client_secret not in repr(prepared)


def _item(sku: str, price: int, currency: str, tax_rate_bp: int = 0):
    from pos_app.domain import Item, Money
    return Item(sku, sku.title(), Money(price, currency), tax_rate_bp=tax_rate_bp)
