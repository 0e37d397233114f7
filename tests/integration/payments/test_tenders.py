"""Tenders end to end against the sandbox: cash with change, split sales, part keys, voids, the shift guard."""

from __future__ import annotations

import pytest

from pos_app.config import Settings
from pos_app.domain import Item, Money
from pos_app.domain.cash import CashKind
from pos_app.errors import NoOpenShift, RefundRefused
from pos_app.payments.tendering import PartPaid, TenderRefused
from pos_app.store import CartFrozen, DrawerReason
from pos_app.web.errors import http_status_for

from .helpers import VISA, confirm_as_browser, successful_charges
from .test_recovery import run_crashing_till


def fill(till, **lines) -> str:
    till.carts.replace(lines)
    return till.carts.snapshot().uuid


def movements(till) -> list[tuple[str, int]]:
    shift = till.store.shifts.current("till-7")
    return [(r.movement.kind.value, r.movement.amount) for r in till.store.cash.for_shift(shift.id)]


def openings(till) -> list[str]:
    shift = till.store.shifts.current("till-7")
    return [o.reason.value for o in till.store.drawer.for_shift(shift.id)]


def pay_part(till, sandbox, amount=None):
    prepared = till.checkout.prepare_part(amount) if amount is not None else till.checkout.prepare()
    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"
    return prepared, till.checkout.finalize(prepared.payment_intent)


def test_a_cash_sale_with_change_records_the_order_the_movements_and_the_drawer(till):
    uuid = fill(till, item1=2, espresso=1)  # 12.50
    taken = till.checkout.take_cash(5000)

    assert taken.change == 3750 and taken.remaining == 0
    order = taken.order
    assert order is not None and order.payment_intent is None and order.total == 1250 and order.cart_uuid == uuid
    [tender] = till.checkout.order_tenders(order)
    assert (tender.kind, tender.status, tender.amount, tender.tendered, tender.change) == (
        "cash", "succeeded", 1250, 5000, 3750)
    assert movements(till) == [("sale", 5000), ("change", 3750)]
    assert [r.order_id for r in till.store.cash.for_shift(tender.shift_id)] == [order.id, order.id]
    assert openings(till) == ["cash_sale"]
    assert till.carts.snapshot().empty and not till.carts.snapshot().frozen
    assert till.store.ledger.all() == []  # no card, no PaymentIntent
    assert till.events[-1] == "finalized"


def test_exact_cash_is_the_amount_due(till):
    fill(till, item1=1)
    assert till.checkout.sale_tenders().cash_due == 500
    taken = till.checkout.take_cash()
    assert (taken.change, taken.order.total) == (0, 500)
    assert movements(till) == [("sale", 500)]


def test_chf_cash_is_rounded_to_five_rappen_and_the_card_is_not(make_till, tmp_path):
    till = make_till(settings_=Settings(data_dir=tmp_path / "chf", currency="chf", terminal_id="till-7"))
    till.store.catalogue.upsert([Item("cheese", "Gruyère 200 g", Money(1002, "chf"))])
    till.carts.replace({"cheese": 1})
    sale = till.checkout.sale_tenders()
    assert (sale.total, sale.cash_due) == (1002, 1000)
    taken = till.checkout.take_cash(2000)
    assert taken.change == 1000 and taken.order.total == 1002  # the sale keeps its exact total
    [tender] = till.checkout.order_tenders(taken.order)
    assert (tender.amount, tender.received) == (1002, 1000)
    assert movements(till) == [("sale", 2000), ("change", 1000)]

    till.carts.replace({"cheese": 1})
    prepared = till.checkout.prepare()  # a card pays the exact amount
    assert prepared.amount == 1002


def test_a_split_sale_cash_then_card_keys_the_part_by_uuid_and_part_number(till, sandbox, sandbox_state):
    uuid = fill(till, item1=1, item3=2)  # 35.00
    first = till.checkout.take_cash(1000)
    assert (first.order, first.remaining, first.change) == (None, 2500, 0)
    assert till.carts.snapshot().frozen
    with pytest.raises(CartFrozen):
        till.carts.add("item2")

    prepared, outcome = pay_part(till, sandbox)  # Charge: what is left, as a card part
    assert prepared.amount == 2500 and prepared.total == 3500
    entry = till.store.ledger.by_intent(prepared.payment_intent)
    assert entry.idempotency_key == f"{uuid}.part2" and entry.amount == 2500
    pi = sandbox_state.get("payment_intent", prepared.payment_intent)
    assert pi["amount"] == 2500 and pi["metadata"]["part"] == "2" and pi["metadata"]["cart_uuid"] == uuid
    order = outcome
    assert order.total == 3500 and order.payment_intent is None
    tenders = till.checkout.order_tenders(order)
    assert [(t.kind.value, t.amount) for t in tenders] == [("cash", 1000), ("card", 2500)]
    assert tenders[1].card_last4 == "4242" and tenders[1].payment_intent == prepared.payment_intent
    assert till.checkout.finalize(prepared.payment_intent) == order  # the page's second report: one sale
    assert till.store.orders.count() == 1 and len(successful_charges(sandbox_state)) == 1
    assert till.carts.snapshot().empty


def test_two_card_parts_then_the_order(till, sandbox, sandbox_state):
    uuid = fill(till, item1=1, item3=2)
    first, outcome = pay_part(till, sandbox, 1500)
    assert isinstance(outcome, PartPaid) and outcome.remaining == 2000 and outcome.tender.paid
    assert till.store.ledger.by_intent(first.payment_intent).idempotency_key == f"{uuid}.part1"
    assert till.checkout.sale_tenders().paid == 1500
    second, order = pay_part(till, sandbox)  # everything left
    assert till.store.ledger.by_intent(second.payment_intent).idempotency_key == f"{uuid}.part2"
    assert second.amount == 2000 and order.total == 3500
    assert len(successful_charges(sandbox_state)) == 2


def test_a_sale_paid_wholly_by_one_card_keeps_the_cart_uuid_as_its_key(till, sandbox):
    uuid = fill(till, item1=1)
    prepared, order = pay_part(till, sandbox)
    assert till.store.ledger.by_intent(prepared.payment_intent).idempotency_key == uuid
    assert order.payment_intent == prepared.payment_intent and till.checkout.order_tenders(order) == []


def test_a_part_amount_is_fixed_when_it_starts_and_checked(till, sandbox):
    fill(till, item1=1, item3=2)
    with pytest.raises(TenderRefused, match="more than what is left"):
        till.checkout.prepare_part(3501)
    assert not till.carts.snapshot().frozen and till.store.tenders.for_cart(till.carts.snapshot().cart_id) == []
    prepared = till.checkout.prepare_part(1500)
    till.checkout.abandon()  # the card form closed unpaid: the part is voided, its intent cancelled
    [part] = till.store.tenders.for_cart(till.carts.snapshot().cart_id)
    assert part.status == "voided"
    assert till.store.ledger.by_intent(prepared.payment_intent).status == "canceled"
    assert not till.carts.snapshot().frozen


def test_cash_is_refused_while_a_card_part_is_open(till):
    fill(till, item1=1, item3=2)
    till.checkout.prepare_part(1500)
    with pytest.raises(TenderRefused, match="card form is open"):
        till.checkout.take_cash()
    assert till.store.cash.for_shift(till.store.shifts.current("till-7").id) == []


def test_voiding_gives_back_every_tender_and_unfreezes_the_cart(till, sandbox, sandbox_state):
    fill(till, item1=1, item3=2)
    till.checkout.take_cash(2000)
    card, _ = pay_part(till, sandbox, 1000)
    assert till.carts.snapshot().frozen

    sale = till.checkout.void_tenders()
    assert [t.status.value for t in sale.tenders] == ["voided", "voided"] and sale.paid == 0
    assert movements(till) == [("sale", 2000), ("refund", 2000)]  # the cash handed back
    assert openings(till) == ["cash_sale", "cash_refund"]
    [refund] = sandbox_state.all("refund")
    assert refund["payment_intent"] == card.payment_intent and refund["amount"] == 1000
    assert not till.carts.snapshot().frozen
    till.carts.add("item2")  # the cart can change now
    assert till.store.orders.count() == 0


def test_no_tender_is_taken_outside_an_open_shift(till):
    shift = till.store.shifts.current("till-7")
    till.store.shifts.close(shift.id, 0, "{}")
    fill(till, item1=1)
    for take in (till.checkout.take_cash, till.checkout.prepare, lambda: till.checkout.prepare_part(500)):
        with pytest.raises(NoOpenShift, match="open a shift first") as refused:
            take()
        assert http_status_for(refused.value) == 409
    assert not till.carts.snapshot().frozen
    assert till.store.ledger.all() == [] and till.store.orders.count() == 0


def test_reconcile_keeps_a_part_paid_sale_frozen_and_resumable(till, sandbox):
    fill(till, item1=1, item3=2)
    till.checkout.take_cash(1000)
    report = till.checkout.reconcile()
    assert not report.in_doubt
    snap = till.carts.snapshot()
    assert snap.frozen  # a live tender keeps it
    sale = till.checkout.sale_tenders()
    assert (sale.paid, sale.remaining) == (1000, 2500)
    taken = till.checkout.take_cash()
    assert taken.order.total == 3500
    assert [m for m in movements(till) if m[0] == CashKind.SALE] == [("sale", 1000), ("sale", 2500)]
    assert DrawerReason.CASH_SALE in openings(till)


# -- killed processes (a real till process, kill -9 style: os._exit mid-sale) ------------------


def test_killed_after_a_card_part_was_paid_the_sale_is_recorded_at_restart(settings, sandbox, sandbox_state,
                                                                           make_till):
    run_crashing_till(settings, sandbox, "split_after_confirm")
    till = make_till()
    sale = till.checkout.sale_tenders()
    assert (sale.paid, sale.remaining) == (1000, 2500)  # the cash shows as paid; the card part pending
    assert [(t.kind.value, t.status.value) for t in sale.tenders] == [("cash", "succeeded"), ("card", "pending")]

    report = till.checkout.reconcile()
    [order] = report.finalized
    assert order.total == 3500
    assert [(t.kind.value, t.amount) for t in till.checkout.order_tenders(order)] == [("cash", 1000), ("card", 2500)]
    assert movements(till) == [("sale", 1000)]  # no tender lost, none doubled
    assert len(sandbox_state.all("payment_intent")) == 1 and len(successful_charges(sandbox_state)) == 1
    assert till.carts.snapshot().empty and not till.carts.snapshot().frozen
    assert till.checkout.reconcile().finalized == [] and till.store.orders.count() == 1


def test_killed_while_a_card_part_was_created_the_sale_resumes_with_the_same_intent(settings, sandbox,
                                                                                    sandbox_state, make_till):
    run_crashing_till(settings, sandbox, "split_after_create")
    [created] = sandbox_state.all("payment_intent")  # the ledger never heard its id
    till = make_till()
    report = till.checkout.reconcile()
    assert report.kept == [created["id"]] and not report.in_doubt
    assert till.carts.snapshot().frozen  # the cash tender keeps the sale as it was paid
    assert till.checkout.sale_tenders().remaining == 2500

    prepared, order = pay_part(till, sandbox)  # Charge again: the open part, resumed
    assert prepared.payment_intent == created["id"] and prepared.amount == 2500
    assert order.total == 3500 and len(sandbox_state.all("payment_intent")) == 1
    assert len(successful_charges(sandbox_state)) == 1 and movements(till) == [("sale", 1000)]


def test_killed_while_voiding_a_paid_card_part_never_shows_its_refunded_money_as_paid(settings, sandbox,
                                                                                      sandbox_state, make_till):
    # Found by benchmarks/kill_loop.py (a kill during POST /tenders/void); made deterministic here by a
    # planted crash: the till dies the moment the card part's refund returns.
    run_crashing_till(settings, sandbox, "split_void_after_refund")
    [refund] = sandbox_state.all("refund")  # the customer has the card part's 15.00 back
    till = make_till()
    till.checkout.reconcile()
    sale = till.checkout.sale_tenders()
    paid_by_card = [t for t in sale.tenders if t.kind.value == "card" and t.paid]
    assert paid_by_card == [], "a refunded card part is shown as paid"
    assert (sale.paid, sale.remaining) == (1000, 2500)  # the cash is still in; the sale resumable

    taken = till.checkout.take_cash()  # the customer pays the rest after all: nothing is counted twice
    assert taken.order.total == 3500
    kept = sum(t.amount for t in till.checkout.order_tenders(taken.order) if t.kind.value == "card")
    received = sum(c["amount"] for c in successful_charges(sandbox_state)) - refund["amount"]
    assert kept == received == 0


# -- refunds go back to the tenders -------------------------------------------------------------


def test_a_split_sale_is_refunded_to_its_card_part_first_then_its_cash(till, sandbox, sandbox_state):
    fill(till, item1=1, item3=2)
    till.checkout.take_cash(1000)
    card, order = pay_part(till, sandbox)  # 25.00 by card
    first = till.checkout.refund(order.id, 3000)
    records = till.store.orders.refunds_for(order.id)
    assert [(r.amount, r.status.value, r.tender_id is not None) for r in records] == [
        (2500, "succeeded", True), (500, "succeeded", True)]
    assert first.id == records[0].id
    [stripe_refund] = sandbox_state.all("refund")
    assert (stripe_refund["payment_intent"], stripe_refund["amount"]) == (card.payment_intent, 2500)
    assert movements(till)[-1] == ("refund", 500) and openings(till)[-1] == "cash_refund"
    till.checkout.refund(order.id)  # the rest: cash only now
    assert till.store.orders.get(order.id).refunded == 3500 and movements(till)[-1] == ("refund", 500)
    with pytest.raises(RefundRefused):
        till.checkout.refund(order.id, 1)


def test_a_manager_may_refund_a_card_sale_in_cash(till, sandbox, sandbox_state):
    fill(till, item1=1)
    _, order = pay_part(till, sandbox)  # wholly by card
    record = till.checkout.refund(order.id, to_cash=True)
    assert (record.amount, record.status.value, record.tender_id) == (500, "succeeded", None)
    assert sandbox_state.all("refund") == []  # nothing back to the card
    assert movements(till) == [("refund", 500)] and openings(till) == ["cash_refund"]


def test_a_cash_sale_is_refunded_out_of_the_drawer(till):
    fill(till, item1=2)
    order = till.checkout.take_cash(2000).order
    till.checkout.refund(order.id, 400)
    assert movements(till) == [("sale", 2000), ("change", 1000), ("refund", 400)]
    assert till.store.orders.get(order.id).refunded == 400


def test_cash_is_refused_while_a_card_part_is_still_open_after_a_restart(till, make_till):
    fill(till, item1=1, item3=2)
    till.checkout.prepare_part(1500)  # the till stops with the card form open
    again = make_till()  # the next start: no card form, the part still pending
    with pytest.raises(TenderRefused, match="card part of this sale is still open"):
        again.checkout.take_cash()
    assert again.store.cash.for_shift(again.store.shifts.current("till-7").id) == []


def test_a_whole_card_payment_landing_after_cash_paid_the_sale_goes_to_review(till, sandbox, sandbox_state):
    fill(till, item1=1)
    prepared = till.checkout.prepare()  # F12, then the card form closed
    till.checkout.abandon()
    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"  # paid anyway
    taken = till.checkout.take_cash()  # the cashier took cash meanwhile
    assert taken.order is not None
    assert till.store.orders.count() == 1  # one sale, not two
    review = till.store.reviews.by_intent(prepared.payment_intent)
    assert review is not None and "paid by its tenders" in review.details


def test_a_cash_refund_counts_once_in_the_shift_as_cash_not_also_as_a_card_refund(till, sandbox):
    """A refund out of the drawer is a cash movement; the refund row it also writes (to cap what is left
    to refund) must not count again among the shift's card refunds."""
    from pos_app.cash_office import ShiftService
    from pos_app.devices import CashDrawer

    shifts = ShiftService(till.store, CashDrawer(till.store.drawer), "till-7", "usd")
    fill(till, item1=2)
    cash_order = till.checkout.take_cash(2000).order
    till.checkout.refund(cash_order.id, 400)  # out of the drawer
    fill(till, item1=1)
    _, card_order = pay_part(till, sandbox)
    till.checkout.refund(card_order.id, to_cash=True)  # a card sale refunded in cash
    report = shifts.x_report()
    assert (report.card_refunds_count, report.card_refunds_total) == (0, 0)
    assert report.expected_cash == 2000 - 1000 - 400 - 500  # float 0 + sale - change - both cash refunds


def test_the_day_report_checks_card_parts_with_the_gateway_and_counts_cash_as_cash(till, sandbox):
    """A cash sale has no PaymentIntent and a split sale several: the day's gateway check expects each
    card part for its own amount, and neither shows up as a difference."""
    from datetime import date

    from pos_app.reports import build_report

    fill(till, item1=2)
    till.checkout.take_cash(2000)  # cash only: 10.00
    fill(till, item1=3)  # 15.00: 5.00 on a card part, the rest in cash
    pay_part(till, sandbox, 500)
    till.checkout.take_cash(1000)
    fill(till, item1=1)
    pay_part(till, sandbox)  # one card for everything: the seed's contract
    report = build_report(till.store.orders, date.today(), "usd", till.gateway, "till-7",
                          tenders=till.store.tenders)
    assert report.gateway_checked and report.differences == []
    assert report.sales_count == 3 and report.sales_total == 1000 + 1500 + 500
    assert report.card_brands == {"Cash": (2, 2000), "Visa": (2, 1000)}  # by tender: cash 10 + 10, card 5 + 5
