"""The blind count is the store's, not one process's: a restart, a second ShiftService and the CLI all see it.

While a count is under way the expected cash is refused at every door, and the drawer's contents
hold still (no cash movement, no tender); the count can be cancelled, and a count cancelled
elsewhere can't be closed with a stale figure.
"""

from __future__ import annotations

import pytest

from pos_app.cash_office import CountUnderWay
from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import DrawerReason, open_store
from tests.integration.cash_office.shop import Kicks, record_sale, shift_service, usd


@pytest.fixture
def path(database_location):
    """The till's database on each backend: its SQLite file, or a shop database on PostgreSQL."""
    return database_location


@pytest.fixture
def store(path):
    with open_store(path, PricingPolicy()) as opened:
        yield opened


def test_a_count_under_way_survives_a_restart_and_the_expected_cash_stays_hidden(path):
    with open_store(path, PricingPolicy()) as before:
        shifts = shift_service(before)
        shifts.open(usd(10_000))
        shifts.start_count()
    with open_store(path, PricingPolicy()) as after:  # the till restarted during the count
        shifts = shift_service(after)
        assert shifts.counting
        with pytest.raises(CountUnderWay):
            shifts.x_report()
        with pytest.raises(CountUnderWay):
            shifts.report(1)
        with pytest.raises(CountUnderWay, match="already under way"):
            shifts.start_count()
        count = shifts.count_under_way()
        assert count is not None and count.shift_number == 1 and not hasattr(count, "expected_cash")
        z = count.close(usd(9_950))
        assert (z.expected_cash, z.over_short, shifts.counting) == (10_000, -50, False)


def test_a_second_service_over_the_same_store_refuses_the_x_and_every_cash_step(store):
    till, other = shift_service(store), shift_service(store)  # the window's, and the endpoint's or a CLI's
    shift = till.open(usd(1_000))
    till.start_count()
    assert other.counting
    for step in (other.x_report, lambda: other.report(1), lambda: other.paid_in(usd(100), "change"),
                 lambda: other.paid_out(usd(100), "milk"), lambda: other.drop(usd(100)),
                 lambda: till.paid_in(usd(100), "change")):
        with pytest.raises(CountUnderWay, match="blind count"):
            step()
    assert store.cash.for_shift(shift.id) == []


def test_the_store_itself_takes_no_cash_into_a_shift_being_counted(store):
    """The last guard, for every writer (a cash sale, a cash refund, another process): the schema's."""
    shifts = shift_service(store)
    shift = shifts.open(usd(0))
    shifts.start_count()
    with pytest.raises(CountUnderWay, match="shift 1"):
        store.cash.record(shift.id, CashMovement(CashKind.SALE, 500), "usd")
    with pytest.raises(CountUnderWay):
        record_sale(store, shift.id, 500, cash_part=500)
    assert store.cash.for_shift(shift.id) == [] and store.orders.recent(limit=5) == []


def test_a_cancelled_count_gives_the_x_back_everywhere_and_the_drawer_opened_once(store):
    kicks = Kicks()
    till, other = shift_service(store, kicks), shift_service(store)
    shift = till.open(usd(2_000))
    count = till.start_count()
    count.cancel()
    assert not other.counting and other.x_report().expected_cash == 2_000
    other.paid_in(usd(100), "change")
    assert [o.reason for o in store.drawer.for_shift(shift.id)] == [DrawerReason.FLOAT, DrawerReason.COUNT,
                                                                    DrawerReason.PAID_IN]


def test_a_count_cancelled_elsewhere_cannot_be_closed_with_its_stale_figure(store):
    till, other = shift_service(store), shift_service(store)
    till.open(usd(0))
    count = till.start_count()
    other.count_under_way().cancel()  # e.g. the till restarted and its dialog gave the count up
    other.paid_in(usd(500), "change")  # the drawer changed since
    with pytest.raises(CountUnderWay, match="cancelled"):
        count.close(usd(0))
    assert till.current() is not None and till.x_report().expected_cash == 500


def test_a_count_given_up_front_joins_a_count_left_by_a_till_that_stopped(path):
    """`pos-app shift close --counted` (or POST /shift/close) after the till died mid-count."""
    with open_store(path, PricingPolicy()) as before:
        shifts = shift_service(before)
        shifts.open(usd(700))
        shifts.start_count()
    with open_store(path, PricingPolicy()) as after:
        z = shift_service(after).close(usd(700))
        assert (z.kind, z.over_short) == ("Z", 0)


def test_a_count_given_up_front_waits_for_one_this_till_is_taking(store):
    shifts = shift_service(store)
    shifts.open(usd(0))
    count = shifts.start_count()  # the dialog's
    with pytest.raises(CountUnderWay, match="already under way"):
        shifts.close(usd(0))
    assert count.close(usd(0)).kind == "Z"
