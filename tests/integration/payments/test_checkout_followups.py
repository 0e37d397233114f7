"""Findings of the guard review (issue 12), each reproduced first: a lost reply on a repeated
prepare must not unfreeze the card form that is showing; paying the newest revision cancels the
older revisions' intents at once; the double-click memory of refunds does not grow forever."""

from __future__ import annotations

import pytest

from pos_app.payments.refunding import DOUBLE_CLICK_SECONDS
from pos_app.payments.gateway import GatewayUnavailable
from pos_app.store import CartFrozen

from .helpers import VISA, confirm_as_browser
from .test_guards import CancelRefusedOnce


def test_a_lost_reply_on_a_repeated_prepare_keeps_the_showing_form_frozen(make_till, faults):
    till = make_till(max_network_retries=0)
    till.carts.replace({"item1": 1})
    showing = till.checkout.prepare()  # the card form shows this one
    faults.drop_response("GET", f"/v1/payment_intents/{showing.payment_intent}")
    with pytest.raises(GatewayUnavailable):
        till.checkout.prepare()  # the page reloads and asks again; the reply is lost
    assert till.carts.snapshot().frozen
    assert till.checkout.current_payment() == showing
    with pytest.raises(CartFrozen):
        till.carts.add("item2")  # the customer may be paying this very amount


def test_paying_the_newest_revision_cancels_the_older_open_intent(make_till, sandbox, sandbox_state):
    till = make_till(http_client=CancelRefusedOnce())  # the older intent's first cancel is refused
    till.carts.replace({"item1": 1})
    older = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item2")
    newer = till.checkout.prepare()
    assert sandbox_state.get("payment_intent", older.payment_intent)["status"] != "canceled"
    assert confirm_as_browser(sandbox, newer.client_secret, VISA)["status"] == "succeeded"
    till.checkout.finalize(newer.payment_intent)
    # Recording the sale closes the cart's other intents: the old form can't take money any more.
    assert sandbox_state.get("payment_intent", older.payment_intent)["status"] == "canceled"
    assert "error" in confirm_as_browser(sandbox, older.client_secret, VISA)


def test_the_double_click_memory_forgets_old_requests(till, sandbox, monkeypatch):
    till.carts.replace({"item1": 4})
    prepared = till.checkout.prepare()
    confirm_as_browser(sandbox, prepared.client_secret, VISA)
    order = till.checkout.finalize(prepared.payment_intent)
    clock = [1000.0]
    # Injected: the monotonic clock, to move past the double-click window without waiting.
    monkeypatch.setattr("pos_app.payments.refunding.time.monotonic", lambda: clock[0])
    for _ in range(3):
        till.checkout.refund(order.id, 100)
        clock[0] += DOUBLE_CLICK_SECONDS + 1
    till.checkout.refund(order.id, 200)
    assert len(till.checkout.refunds._recent_refunds) == 1
