"""PosDriver.park / parked / recall against the real till: a cashier parks, lists, recalls; the sale is paid once."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"


def log_in(pos, pin: str = "0000") -> None:
    """The pos fixture's log-in is another helper's: these tests log in themselves (a cashier)."""
    session = pos.window.local.session
    session.staff.ensure_demo_users()
    session.login(pin)


def test_park_two_sales_list_them_and_recall_one(pos, tmp_path):
    log_in(pos)
    pos.add("item1", 1)
    pos.add("item3", 2)
    uuid = pos.window.local.carts.uuid
    first = pos.park("table 4")
    assert pos.cart() == {}
    pos.add("item2", 1)
    second = pos.park()
    listed = pos.parked()
    assert [p["id"] for p in listed] == [second, first]
    assert (listed[1]["label"], listed[1]["lines"], listed[1]["total"], listed[1]["parked_by"]) == (
        "table 4", 2, "$35.00", "Demo Cashier")
    assert listed[0]["label"].startswith("Parked ")
    pos.recall(first)
    assert pos.cart() == {"item1": 1, "item3": 2} and pos.window.local.carts.uuid == uuid
    assert pos.total_text() == "$35.00"
    assert [p["id"] for p in pos.parked()] == [second]
    types = [e.type for e in pos.window.local.store.journal.entries()]
    assert types.count("park") == 2 and types.count("recall") == 1


def test_recall_over_a_sale_with_lines_says_park_or_clear_it(pos):
    log_in(pos)
    pos.add("item1", 1)
    parked = pos.park()
    pos.add("item2", 1)
    with pytest.raises(AssertionError, match="park or clear"):
        pos.recall(parked)
    assert pos.cart() == {"item2": 1}


def test_a_parked_sale_with_an_open_card_payment_is_recalled_and_paid_once(pos):
    log_in(pos)
    pos.add("item2", 1)
    first_intent = pos.charge()
    pos.cancel_payment()
    parked = pos.park()
    pos._wait(lambda: pos.payment_intent_status(first_intent) == "canceled" and not pos.window.queue.busy,
              "the parked sale's payment to be cancelled (on the checkout worker)")
    pos.recall(parked)
    second_intent = pos.charge()
    assert second_intent != first_intent
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    order = pos.last_order()
    assert order["payment_intent"] == second_intent and order["total"] == 1000
    assert pos.window.local.store.orders.count() == 1


def test_parked_sales_survive_a_restart(pos):
    log_in(pos)
    pos.add("item3", 1)
    parked = pos.park("back room")
    pos.restart()
    log_in(pos)
    assert [(p["id"], p["label"]) for p in pos.parked()] == [(parked, "back room")]
    pos.recall(parked)
    assert pos.cart() == {"item3": 1}
    pos.pay_cash()
    assert pos.parked() == [] and pos.window.local.store.orders.count() == 1
