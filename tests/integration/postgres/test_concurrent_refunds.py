"""Two tills refunding the same order at once never refund more than was paid (issue 19).

The store reserves a refund by reading what is left and inserting a row. Under PostgreSQL's READ
COMMITTED two tills both passed the check: the second till's reservation then either collided
with the first one's sequence number (a constraint error instead of a refusal) or, when its
sequence was read after the first one committed, was a second refund of money already given back.
The order's row is now locked first (SELECT ... FOR UPDATE); SQLite's BEGIN IMMEDIATE already
serializes the two. Real tills: each its own store and connections, real threads.
"""

from __future__ import annotations

import threading

import pytest

from pos_app.domain.statuses import RefundStatus
from pos_app.store import RefundRecord, RefundRefused

from .tills import Outcomes, ShopTill, one_after_the_other, open_till_store, record_sale

ROUNDS = 25


def refund_in_thread(outcomes: Outcomes, name: str, action) -> threading.Thread:
    thread = threading.Thread(target=outcomes.run, args=(name, action), name=name)
    thread.start()
    return thread


def test_the_second_till_waits_for_the_first_and_is_refused(shop_database_url):
    """Deterministic: till 1's reservation is held open (its journal insert waits at a gate) while till
    2 reserves the same money; without the order's row lock till 2 read 'nothing refunded yet'."""
    one, two = open_till_store(shop_database_url, 1), open_till_store(shop_database_url, 2)
    try:
        order = record_sale(one, {"item1": 2}, "pi_refund_race")
        results = one_after_the_other(shop_database_url, lambda: one.orders.begin_refund(order.id, order.total, None),
                                      lambda: two.orders.begin_refund(order.id, order.total, None))
        assert isinstance(results["first"], RefundRecord)
        refused = results["second"]
        assert isinstance(refused, RefundRefused), refused
        assert "has 0 left to refund" in str(refused)
        assert [r.amount for r in one.orders.refunds_for(order.id)] == [order.total]
    finally:
        one.close(), two.close()


def test_tills_racing_to_refund_never_reserve_more_than_was_paid(database_location):
    """Both backends, a barrier per round: two tills each ask for 60 % of one order at the same moment."""
    one, two = open_till_store(database_location, 1), open_till_store(database_location, 2)
    try:
        for round_ in range(ROUNDS):
            order = record_sale(one, {"item1": 2}, f"pi_round_{round_}")
            share = order.total * 6 // 10
            outcomes = Outcomes(barrier=threading.Barrier(2))
            threads = [refund_in_thread(outcomes, till, lambda store=store, order=order, share=share:
                                        store.orders.begin_refund(order.id, share, None))
                       for till, store in (("till-1", one), ("till-2", two))]
            for thread in threads:
                thread.join(10)
            reserved = [r for r in outcomes.results.values() if isinstance(r, RefundRecord)]
            refused = [r for r in outcomes.results.values() if isinstance(r, RefundRefused)]
            assert (len(reserved), len(refused)) == (1, 1), outcomes.results
            assert sum(r.amount for r in one.orders.refunds_for(order.id)) == share <= order.total
    finally:
        one.close(), two.close()


# -- the refund services, through the shop's shared sandbox -------------------------------------------


@pytest.fixture
def two_tills(shop_database_url, sandbox_server, tmp_path):
    tills = [ShopTill(shop_database_url, n, sandbox_server, tmp_path / f"till-{n}") for n in (1, 2)]
    yield tills
    for till in tills:
        till.close()


def test_two_tills_refunding_one_card_sale_give_it_back_once(two_tills, shop_database_url, sandbox_server,
                                                             sandbox_refunds):
    one, two = two_tills
    order = sell_by_card(one, sandbox_server, {"item2": 2})
    results = one_after_the_other(shop_database_url, lambda: one.checkout.refund(order.id),
                                  lambda: two.checkout.refund(order.id))
    done = results["first"]
    assert isinstance(done, RefundRecord) and done.status == RefundStatus.SUCCEEDED, done
    assert isinstance(results["second"], RefundRefused), results["second"]
    assert [r["amount"] for r in sandbox_refunds(order.payment_intent)] == [order.total]  # at "Stripe": once
    assert two.store.orders.get(order.id).refunded == order.total


def test_two_tills_refunding_one_cash_sale_pay_it_out_once(two_tills, shop_database_url):
    one, two = two_tills
    one.store.carts.replace({"item1": 2})
    order = one.checkout.take_cash(one.store.carts.snapshot().totals.total.amount).order
    assert order is not None
    results = one_after_the_other(shop_database_url, lambda: one.checkout.refund(order.id),
                                  lambda: two.checkout.refund(order.id))
    assert isinstance(results["first"], RefundRecord), results["first"]
    assert isinstance(results["second"], RefundRefused), results["second"]
    rows = one.store.orders.refunds_for(order.id)
    assert [(r.amount, r.status) for r in rows] == [(order.total, RefundStatus.SUCCEEDED)]
    paid_out = [m.movement.amount for till in two_tills for m in till.store.cash.for_shift(
        till.store.shifts.current(till.settings.terminal_id).id) if m.movement.kind == "refund"]
    assert paid_out == [order.total]  # out of one drawer, once


def sell_by_card(till: ShopTill, sandbox, lines: dict[str, int]):
    from tests.integration.payments.helpers import VISA, confirm_as_browser
    if lines:
        till.store.carts.replace(lines)
    prepared = till.checkout.prepare()
    page = {"sandbox_url": sandbox.url, "publishable_key": till.gateway.publishable_key}
    assert confirm_as_browser(page, prepared.client_secret, VISA)["status"] == "succeeded"
    return till.checkout.finalize(prepared.payment_intent)


def test_two_tills_refunding_one_split_sale_at_once_plan_from_what_the_other_gave_back(two_tills, shop_database_url,
                                                                                    sandbox_server, sandbox_refunds):
    """20.00 paid 5.00 in cash and 15.00 by card. Till 1 gives the card's 15.00 back while till 2 gives
    back 5.00: till 2 plans after till 1's rows are in, so its 5.00 is the cash, not more of the card
    (before, both planned from the same card: the card was asked for 20.00 of its 15.00)."""
    one, two = two_tills
    one.store.carts.replace({"item2": 2})
    one.checkout.take_cash(500)
    order = sell_by_card(one, sandbox_server, {})
    results = one_after_the_other(shop_database_url, lambda: one.checkout.refund(order.id, 1500),
                                  lambda: two.checkout.refund(order.id, 500))
    assert all(isinstance(r, RefundRecord) and r.status == RefundStatus.SUCCEEDED for r in results.values()), results
    assert results["second"].refund_id is None  # paid out in cash
    [card] = [t for t in one.store.tenders.for_order(order.id) if t.payment_intent]
    assert [r["amount"] for r in sandbox_refunds(card.payment_intent)] == [1500]
    assert two.store.orders.get(order.id).refunded == 2000
