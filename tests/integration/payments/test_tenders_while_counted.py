"""While the shift's blind count is under way the drawer's contents hold still: no tender, no void
giving cash back, no cash refund is taken (by this process or any other), and nothing is left frozen."""

from __future__ import annotations

import pytest

from pos_app.cash_office import CountUnderWay, ShiftService
from pos_app.devices import CashDrawer
from pos_app.store import open_store
from pos_app.web.errors import http_status_for

from .test_tenders import pay_part


def counter(store) -> ShiftService:
    """The shift dialog's service: here over its own Store, as another process's would be."""
    return ShiftService(store, CashDrawer(store.drawer), "till-7", "usd")


@pytest.fixture
def other_store(till):
    with open_store(till.settings.database_location, till.settings.pricing) as store:
        yield store


def test_no_tender_is_taken_while_the_drawer_is_counted(till, other_store):
    counter(other_store).start_count()
    till.carts.replace({"item1": 1})
    for take in (till.checkout.take_cash, till.checkout.prepare, lambda: till.checkout.prepare_part(200)):
        with pytest.raises(CountUnderWay, match="blind count of shift 1") as refused:
            take()
        assert http_status_for(refused.value) == 409
    assert not till.carts.snapshot().frozen
    assert till.store.ledger.all() == [] and till.store.orders.count() == 0
    shift = till.store.shifts.current("till-7")
    assert till.store.cash.for_shift(shift.id) == []


def test_cash_taken_before_the_count_is_not_handed_back_during_it(till, sandbox, other_store):
    till.carts.replace({"item1": 1, "item3": 2})
    till.checkout.take_cash(1000)  # part of the sale in cash, part by card, then the count starts
    pay_part(till, sandbox, 500)
    count = counter(other_store).start_count()
    with pytest.raises(CountUnderWay):
        till.checkout.void_tenders()  # refused before anything is given back: the card part too
    assert [t.status for t in till.checkout.sale_tenders().tenders] == ["succeeded", "succeeded"]
    count.cancel()
    till.checkout.void_tenders()
    assert [t.status for t in till.checkout.sale_tenders().tenders] == ["voided", "voided"]


def test_no_cash_refund_is_paid_out_during_the_count(till, other_store):
    till.carts.replace({"item1": 1})
    order = till.checkout.take_cash().order
    counter(other_store).start_count()
    with pytest.raises(CountUnderWay):
        till.checkout.refund(order.id)
    assert till.store.orders.refunds_for(order.id) == []
