"""ShiftService over a real store: open with a float, paid in/out and drops, the X, the blind close and its Z."""

from __future__ import annotations

import json

import pytest

from pos_app.cash_office import (
    CountUnderWay, NoOpenShift, ShiftAlreadyOpen, ShiftNotFound, ShiftRefused,
)
from pos_app.domain.money import Money, MoneyError
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import DrawerReason, open_store
from tests.integration.cash_office.shop import Kicks, record_cash_refund, record_sale, shift_service, usd


@pytest.fixture
def store(database_location):
    """A new till's store on each backend (its SQLite file; the shop's PostgreSQL database)."""
    with open_store(database_location, PricingPolicy()) as opened:
        yield opened


@pytest.fixture
def kicks():
    return Kicks()


@pytest.fixture
def shifts(store, kicks):
    return shift_service(store, kicks)


def test_a_shift_opens_with_its_float_and_the_drawer_opens_for_it(shifts, store, kicks):
    shift = shifts.open(usd(10_000))
    assert (shift.number, shift.float_amount, shifts.current()) == (1, 10_000, shift)
    assert [o.reason for o in store.drawer.for_shift(shift.id)] == [DrawerReason.FLOAT] and kicks.count == 1
    with pytest.raises(ShiftAlreadyOpen, match="shift 1 is already open"):
        shifts.open(usd(0))
    assert len(store.shifts.all("till-1")) == 1


def test_paid_in_paid_out_and_drops_need_an_open_shift_and_each_opens_the_drawer(shifts, store, kicks):
    with pytest.raises(NoOpenShift):
        shifts.paid_in(usd(500), "change from the safe")
    assert kicks.count == 0
    shift = shifts.open(usd(10_000))
    shifts.paid_in(usd(500), "change from the safe")
    shifts.paid_out(usd(1_250), "window cleaner")
    shifts.drop(usd(5_000))
    assert [o.reason for o in store.drawer.for_shift(shift.id)] == [
        DrawerReason.FLOAT, DrawerReason.PAID_IN, DrawerReason.PAID_OUT, DrawerReason.DROP]
    assert kicks.count == 4
    assert [(r.movement.kind, r.movement.amount, r.reason) for r in store.cash.for_shift(shift.id)] == [
        ("paid_in", 500, "change from the safe"), ("paid_out", 1_250, "window cleaner"), ("drop", 5_000, "")]


@pytest.mark.parametrize(("amount", "reason", "error"), [
    (usd(500), "", "give a reason"),
    (usd(500), "   ", "give a reason"),
    (usd(500), "x" * 201, "at most 200"),
    (usd(500), "bell\x07", "control characters"),
    (usd(0), "nothing", "more than zero"),
    (usd(-5), "negative", "more than zero"),
])
def test_a_paid_out_without_a_reason_or_a_positive_amount_is_refused_and_nothing_changes(
        shifts, store, kicks, amount, reason, error):
    shift = shifts.open(usd(0))
    with pytest.raises(ShiftRefused, match=error):
        shifts.paid_out(amount, reason)
    assert store.cash.for_shift(shift.id) == [] and kicks.count == 1  # only the float's opening


def test_amounts_in_another_currency_or_not_money_are_refused(shifts):
    with pytest.raises(MoneyError, match="EUR"):
        shifts.open(Money(100, "eur"))
    with pytest.raises(TypeError):
        shifts.open(100)
    assert shifts.current() is None


def test_the_x_report_shows_the_shift_so_far_and_closes_nothing(shifts, store):
    shift = shifts.open(usd(10_000))
    record_sale(store, shift.id, 4_230, cash_part=4_230, tendered=5_000)  # change 770
    record_sale(store, shift.id, 1_999)  # all card
    record_sale(store, shift.id, 3_000, cash_part=1_000)  # split: 1,000 cash + 2,000 card
    shifts.paid_in(usd(500), "float top-up")
    shifts.paid_out(usd(300), "milk")
    shifts.drop(usd(4_000), "to the safe")
    record_cash_refund(store, shift.id, 200)
    x = shifts.x_report()
    assert (x.kind, x.counted_cash, x.over_short, x.closed_at) == ("X", None, None, None)
    assert x.expected_cash == 10_000 + 5_000 + 1_000 - 770 - 200 + 500 - 300 - 4_000
    assert (x.orders_count, x.sales_total) == (3, 4_230 + 1_999 + 3_000)
    assert (x.card_sales_count, x.card_sales_total) == (2, 1_999 + 2_000)
    assert [(line.kind, line.amount, line.reason) for line in x.cash_lines] == [
        ("paid_in", 500, "float top-up"), ("paid_out", 300, "milk"), ("drop", 4_000, "to the safe")]
    assert shifts.current() == shift and store.shifts.get(shift.id).report is None


def test_the_close_is_the_z_expected_counted_over_short_stored_and_immutable(shifts, store, kicks):
    shift = shifts.open(usd(10_000))
    record_sale(store, shift.id, 4_230, cash_part=4_230, tendered=5_000)
    z = shifts.close(usd(14_200))
    assert (z.kind, z.expected_cash, z.counted_cash, z.over_short) == ("Z", 14_230, 14_200, -30)
    assert z.tenders()["cash"] == {"expected": 14_230, "counted": 14_200, "over_short": -30, "sales": 4_230,
                                   "refunds": 0}
    closed = store.shifts.get(shift.id)
    assert not closed.open and closed.counted_cash == 14_200 and z.closed_at == closed.closed_at
    stored = json.loads(closed.report)
    assert (stored["expected_cash"], stored["counted_cash"], stored["over_short"]) == (14_230, 14_200, -30)
    assert shifts.report(1) == z  # read back from what the close stored
    assert store.drawer.for_shift(shift.id)[-1].reason == DrawerReason.COUNT
    with pytest.raises(NoOpenShift):
        shifts.paid_in(usd(100), "too late")
    assert shifts.current() is None


def test_a_blind_count_hides_the_expected_cash_until_the_count_is_given(shifts, store):
    shifts.open(usd(10_000))
    count = shifts.start_count()
    assert not hasattr(count, "expected_cash") and shifts.counting
    with pytest.raises(CountUnderWay):
        shifts.x_report()
    with pytest.raises(CountUnderWay):
        shifts.report(1)
    with pytest.raises(CountUnderWay):
        shifts.start_count()
    with pytest.raises(ShiftRefused):  # no amount: refused, and the count goes on (still blind)
        count.close(usd(-1))
    assert shifts.counting
    z = count.close(usd(10_000))
    assert (z.expected_cash, z.over_short, shifts.counting) == (10_000, 0, False)


def test_a_cancelled_count_leaves_the_shift_open_and_the_x_report_back(shifts):
    shifts.open(usd(2_000))
    shifts.start_count().cancel()
    assert shifts.x_report().expected_cash == 2_000 and shifts.current() is not None


def test_shifts_are_numbered_per_till_and_never_share_a_sale(shifts, store):
    first = shifts.open(usd(0))
    record_sale(store, first.id, 1_000)
    z1 = shifts.close(usd(0))
    second = shifts.open(usd(0))  # the same second as the close, as a script would
    record_sale(store, second.id, 2_500)
    z2 = shifts.close(usd(0))
    assert (z1.shift_number, z1.sales_total, z2.shift_number, z2.sales_total) == (1, 1_000, 2, 2_500)
    assert set(z1.order_ids).isdisjoint(z2.order_ids)
    other_till = shift_service(store, terminal_id="till-2")
    assert other_till.open(usd(0)).number == 1
    with pytest.raises(ShiftNotFound):
        shifts.report(3)


def test_card_refunds_of_the_shift_count_against_its_card_total(shifts, store):
    shift = shifts.open(usd(0))
    order = record_sale(store, shift.id, 5_000)
    row = store.orders.begin_refund(order.id, 1_500, "damaged")
    store.orders.finish_refund(row.id, status="succeeded", refund_id="re_1")
    z = shifts.close(usd(0))
    assert (z.card_sales_total, z.card_refunds_count, z.card_refunds_total, z.card_net) == (5_000, 1, 1_500, 3_500)
    assert z.tenders()["card"]["expected"] == 3_500


def test_a_count_closes_its_shift_once(shifts):
    shifts.open(usd(500))
    count = shifts.start_count()
    count.close(usd(500))
    with pytest.raises(NoOpenShift, match="no longer open"):
        count.close(usd(500))
