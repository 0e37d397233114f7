"""Each money guard of CheckoutService, and a test that fails when it is deleted (issue 12, part 5).

Every test here was run with its guard deleted from pos_app/payments/checkout.py and seen to fail:

| guard deleted                                                   | test that fails                                          |
|-----------------------------------------------------------------|----------------------------------------------------------|
| CheckoutService._lock (every `with self._lock:` a nullcontext)  | test_start_up_reconcile_never_unfreezes_a_cart_being_charged, |
|                                                                 | test_closing_the_card_form_while_it_reloads_leaves_no_payment_unfrozen |
| _record_sale's call to _cancel_other_revisions                  | test_a_paid_older_revision_found_at_charge_time_leaves_the_rest_changeable, |
|                                                                 | test_a_paid_older_revision_cancels_the_newer_open_intent |
| only the cancelling loop inside _cancel_other_revisions         | test_a_paid_older_revision_cancels_the_newer_open_intent |
| the cart_uuid check in _check_matches                           | test_an_intent_of_another_cart_is_never_recorded_as_this_sale |
| reconcile's cancelling of an older revision (_close_stale)      | test_reconcile_cancels_an_older_revisions_open_intent    |
| RefundService._lock (both `with` a nullcontext)                 | test_two_line_refunds_at_once_never_refund_more_units_than_were_sold |

Deleting only finalize's `with self._lock:` fails nothing, and that is not a gap: two finalizes, or
finalize racing abandon, reconcile or prepare for the same paid intent (run with the whole lock
deleted) still end with one order returned to both and a new cart, because OrderBook.record and
CartService.settle_paid record a PaymentIntent once, in the sale's one unit of work.

The refund reservation (OrderBook.begin_refund) was caught before these tests: deleting its count of
pending refunds fails test_refunds.py::test_a_refund_whose_reply_was_lost_is_settled_once_at_start_up,
deleting its "no more than is left" check also fails test_partial_refunds_up_to_what_was_paid, and
asking the processor before reserving fails the lost-reply tests there. Behind the refund lock it has
no race of its own to win in one process; it checks amounts only, so line quantities rest on the lock
(test_two_line_refunds_at_once_...). Races are real threads over real HTTP to the sandbox, ordered by
Events (races.py), never by sleeping.
"""

from __future__ import annotations

import threading

import pytest
import stripe

from pos_app.domain import Item, Money
from pos_app.payments.gateway import AlreadyPaid, PaymentError, RefundRefused
from pos_app.store import CartFrozen

from .helpers import VISA, confirm_as_browser, creates_intent, successful_charges
from .races import Hold, HoldingClient, WatchedLock, join, run_in_thread


def retrieves(pi_id: str):
    return lambda method, url: method == "GET" and f"/v1/payment_intents/{pi_id}" in url


def cancels(method: str, url: str) -> bool:
    return method == "POST" and url.endswith("/cancel")


def watch_lock(checkout, attribute: str) -> threading.Event:
    """Observe the service's lock (see WatchedLock); the Event is set when a thread must wait for it."""
    contended = threading.Event()
    setattr(checkout, attribute, WatchedLock(getattr(checkout, attribute), contended))
    return contended


def sandbox_client(sandbox) -> stripe.StripeClient:
    return stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url}, max_network_retries=0)


# -- the CheckoutService lock ------------------------------------------------------------------


def test_start_up_reconcile_never_unfreezes_a_cart_being_charged(make_till):
    """Start-up reconcile runs in the background; the cashier presses Charge meanwhile."""
    http = HoldingClient()
    till = make_till(http_client=http)
    till.carts.replace({"item1": 1})
    hold = Hold("charge", creates_intent)  # Charge's create, after its ledger row is written
    other_inside = watch_lock(till.checkout, "_lock")
    http.hooks.append(hold)

    charge, prepared = run_in_thread("charge", till.checkout.prepare)
    assert hold.reached.wait(10)
    startup, _ = run_in_thread("startup", till.checkout.reconcile, done=other_inside)
    assert other_inside.wait(10)  # reconcile returned, or it waits for the service's lock
    hold.release.set()
    join(charge, startup)

    [payment] = prepared
    assert till.checkout.current_payment() == payment  # the card form shows this payment...
    assert till.carts.snapshot().frozen  # ...so the cart must not change under it
    with pytest.raises(CartFrozen):
        till.carts.add("item2")


def test_closing_the_card_form_while_it_reloads_leaves_no_payment_unfrozen(make_till):
    """The page asks for its payment again (a reload) as the cashier presses Esc."""
    http = HoldingClient()
    till = make_till(http_client=http)
    till.carts.replace({"item2": 1})
    first = till.checkout.prepare()
    hold = Hold("reload", retrieves(first.payment_intent))
    other_inside = watch_lock(till.checkout, "_lock")
    http.hooks.append(hold)

    reload, _ = run_in_thread("reload", till.checkout.prepare)
    assert hold.reached.wait(10)
    esc, _ = run_in_thread("esc", till.checkout.abandon, done=other_inside)
    assert other_inside.wait(10)
    hold.release.set()
    join(reload, esc)

    # Whichever came last wins, but never half of each: a payment shown is a cart frozen.
    assert till.checkout.in_flight == till.carts.snapshot().frozen


# -- cancelling the other revisions' intents after a success -----------------------------------


def test_a_paid_older_revision_found_at_charge_time_leaves_the_rest_changeable(make_till, sandbox):
    """The customer pays the old card form just as the cashier charges the changed cart."""
    http = HoldingClient()
    till = make_till(http_client=http)
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item3")
    hold = Hold("charge", cancels)  # Charge cancels the old revision's intent...
    http.hooks.append(hold)
    charge, outcome = run_in_thread("charge", till.checkout.prepare)
    assert hold.reached.wait(10)
    # ...while the customer's card goes through on the old form.
    assert confirm_as_browser(sandbox, first.client_secret, VISA)["status"] == "succeeded"
    hold.release.set()
    join(charge)

    [paid] = outcome
    assert isinstance(paid, AlreadyPaid) and paid.order.payment_intent == first.payment_intent
    assert till.carts.snapshot().lines == {"item3": 1}  # the unpaid line is left to pay
    assert not till.checkout.in_flight
    till.carts.add("item2")  # no card form is open: the cashier can go on with the cart


class CancelRefusedOnce(HoldingClient):
    """Injected fault (the sandbox has no 'processing' state): the first cancel is answered, without
    being sent, as Stripe answers while a payment is processing. The intent stays open."""

    def request(self, method, url, headers, post_data=None):
        if method.upper() == "POST" and url.endswith("/cancel") and not getattr(self, "refused", False):
            self.refused = True
            body = ('{"error": {"type": "invalid_request_error", "code": "payment_intent_unexpected_state",'
                    ' "message": "You cannot cancel this PaymentIntent because it has a status of processing."}}')
            return body, 400, {"request-id": "req_injected"}
        return super().request(method, url, headers, post_data)


def test_a_paid_older_revision_cancels_the_newer_open_intent(make_till, sandbox, sandbox_state):
    till = make_till(http_client=CancelRefusedOnce())
    till.carts.replace({"item1": 2})
    first = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item3")
    second = till.checkout.prepare()  # the old intent could not be cancelled: two are open
    assert till.gateway.retrieve_intent(first.payment_intent).status == "requires_payment_method"

    assert confirm_as_browser(sandbox, first.client_secret, VISA)["status"] == "succeeded"
    order = till.checkout.finalize(first.payment_intent)

    assert [(l.sku, l.qty) for l in order.lines] == [("item1", 2)]
    # The newer form charges item1 again: it must no longer take money.
    assert "error" in confirm_as_browser(sandbox, second.client_secret, VISA)
    assert till.gateway.retrieve_intent(second.payment_intent).status == "canceled"
    assert len(successful_charges(sandbox_state)) == 1
    assert till.carts.snapshot().lines == {"item3": 1} and not till.carts.snapshot().frozen


# -- the cart_uuid check on a retrieved intent -------------------------------------------------


def test_an_intent_of_another_cart_is_never_recorded_as_this_sale(till, sandbox):
    """Same amount and currency, but the processor says the intent is another cart's (edited there)."""
    till.carts.replace({"item3": 1})
    prepared = till.checkout.prepare()
    sandbox_client(sandbox).v1.payment_intents.update(
        prepared.payment_intent, params={"metadata": {"cart_uuid": "another-cart"}})
    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"
    before = till.carts.snapshot()

    for follow_up in (lambda: till.checkout.finalize(prepared.payment_intent), till.checkout.reconcile):
        try:
            follow_up()
        except PaymentError:
            pass
        assert till.store.orders.count() == 0  # not recorded as this cart's sale
        after = till.carts.snapshot()
        assert (after.cart_id, after.uuid, after.lines) == (before.cart_id, before.uuid, before.lines)


# -- reconcile closes stale revisions -----------------------------------------------------------


def test_reconcile_cancels_an_older_revisions_open_intent(make_till, sandbox, sandbox_state):
    """An old card form (say on the customer display) must not take money after a restart."""
    till = make_till()
    till.carts.replace({"item1": 1})
    old = till.checkout.prepare()
    till.checkout.abandon()
    till.carts.add("item2")  # a new revision, not charged yet
    till.close()

    report = make_till().checkout.reconcile()  # the next start

    assert old.payment_intent in report.closed and report.kept == []
    assert sandbox_state.get("payment_intent", old.payment_intent)["status"] == "canceled"
    assert "error" in confirm_as_browser(sandbox, old.client_secret, VISA)
    assert successful_charges(sandbox_state) == []


# -- the refund lock ----------------------------------------------------------------------------


def test_two_line_refunds_at_once_never_refund_more_units_than_were_sold(make_till, sandbox, sandbox_state,
                                                                         monkeypatch):
    """Two windows refund 2 of the 3 breads at once. The store's reservation checks the amount
    only (plenty is left: the wine), so the line quantities rest on the refund lock.

    The first request is paused just before its reservation; the pause wraps the real
    OrderBook.begin_refund (no request is sent between pricing the lines and reserving them, so
    there is nothing to hold at the HTTP client)."""
    till = make_till()
    till.store.catalogue.upsert([Item("wine", "Wine", Money(1999, "usd"), tax_rate_bp=2000),
                                 Item("bread", "Bread", Money(333, "usd"), tax_rate_bp=550)])
    till.carts.replace({"wine": 1, "bread": 3})
    prepared = till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"
    order = till.checkout.finalize(prepared.payment_intent)

    orders = till.store.orders
    reserve = orders.begin_refund
    first_paused, other_inside = threading.Event(), watch_lock(till.checkout.refunds, "_lock")

    def paused_reserve(*args, **kwargs):
        if threading.current_thread().name == "first" and not first_paused.is_set():
            first_paused.set()
            assert other_inside.wait(10)
        elif threading.current_thread().name == "second":
            other_inside.set()
        return reserve(*args, **kwargs)

    monkeypatch.setattr(orders, "begin_refund", paused_reserve)
    refund_two = lambda: till.checkout.refund(order.id, lines=[("bread", 2)])  # noqa: E731
    first, first_outcome = run_in_thread("first", refund_two)
    assert first_paused.wait(10)
    second, second_outcome = run_in_thread("second", refund_two, done=other_inside)
    join(first, second)

    outcomes = first_outcome + second_outcome
    assert sum(row["qty"] for r in orders.refunds_for(order.id) if r.status == "succeeded"
               for row in r.lines) <= 3
    refunded = [r["amount"] for r in sandbox_state.all("refund") if r["payment_intent"] == order.payment_intent]
    assert len(refunded) == 1, outcomes  # the second is a double click (or refused): one refund
    assert all(not isinstance(o, Exception) or isinstance(o, RefundRefused) for o in outcomes), outcomes
