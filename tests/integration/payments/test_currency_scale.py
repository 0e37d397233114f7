"""Stripe's amount scale end to end: a forint till against the sandbox, which reads amounts as Stripe does.

CLDR gives HUF no decimals and Stripe two, so a 20,000 Ft sale must reach Stripe as amount=2000000;
sent as 20000 it would have charged 200.00 Ft (issue: "Stripe's amount scale is not CLDR's").
"""

from __future__ import annotations

import pytest

from pos_app.config import Settings
from pos_app.domain import Item, Money
from pos_app.payments.gateway import AmountTooSmall

from .helpers import VISA, confirm_as_browser, successful_charges


@pytest.fixture
def forint_till(make_till, tmp_path):
    till = make_till(settings_=Settings(data_dir=tmp_path, currency="huf", terminal_id="till-hu",
                                        locale="hu_HU"))
    till.store.catalogue.upsert([Item("gulyas", "Gulyásleves", Money(20000, "huf")),
                                 Item("pogi", "Pogácsa", Money(150, "huf"))])
    return till


def test_a_20000_forint_sale_is_sent_as_amount_2000000(forint_till, sandbox, sandbox_state):
    forint_till.carts.replace({"gulyas": 1})
    prepared = forint_till.checkout.prepare()
    assert (prepared.amount, prepared.currency) == (20000, "huf")  # the till's own units

    at_stripe = sandbox_state.get("payment_intent", prepared.payment_intent)
    assert (at_stripe["amount"], at_stripe["currency"]) == (2_000_000, "huf")

    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"
    order = forint_till.checkout.finalize(prepared.payment_intent)  # amount_received compared on one scale
    assert (order.total, order.currency) == (20000, "huf")
    assert [c["amount"] for c in successful_charges(sandbox_state)] == [2_000_000]

    refund = forint_till.checkout.refund(order.id, 5000)  # 5,000 Ft back
    assert refund.amount == 5000 and refund.status == "succeeded"
    assert [r["amount"] for r in sandbox_state.all("refund")] == [500_000]


def test_the_minimum_is_stripes_175_forints(forint_till):
    forint_till.carts.replace({"pogi": 1})  # 150 Ft: Stripe's smallest forint charge is 175.00 Ft
    with pytest.raises(AmountTooSmall) as info:
        forint_till.checkout.prepare()
    assert "175" in info.value.message and "150" in info.value.message
    assert not forint_till.carts.snapshot().frozen
