"""Property: over any day, the report's expected cash is float + sales - change - refunds + paid in - paid out - drops.

Each example is a random day worked through the real ShiftService and store: cash, card and split
sales (recorded as a cash sale records them), cash refunds, paid in, paid out and drops, X reports
between them, then the blind close. The test sums the formula itself from what it did.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from tests.integration.cash_office.shop import record_cash_refund, record_sale, shift_service, usd

@pytest.fixture
def new_day_database(store_backend, tmp_path_factory, request):
    """A new, empty database for each example (one day each), on each backend."""
    if store_backend == "sqlite":
        yield lambda: tmp_path_factory.mktemp("day") / "pos.sqlite3"
        return
    databases, taken = request.getfixturevalue("shop_databases"), []

    def take() -> str:
        taken.append(databases.take())
        return taken[-1][1]

    yield take
    for name, _url in taken:
        databases.release(name)


amounts = st.integers(min_value=1, max_value=500_000)

sale = st.tuples(st.just("sale"), amounts, st.integers(0, 100), st.integers(0, 10_000))  # total, cash %, extra
event = st.one_of(
    sale,
    st.tuples(st.sampled_from(["paid_in", "paid_out", "drop", "refund"]), amounts),
    st.tuples(st.just("x"),),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(float_amount=st.integers(0, 100_000), day=st.lists(event, max_size=25),
       counted_delta=st.integers(-5_000, 5_000))
def test_expected_cash_is_the_formula_over_random_days(new_day_database, float_amount, day, counted_delta):
    with open_store(new_day_database(), PricingPolicy()) as store:
        shifts = shift_service(store)
        shift = shifts.open(usd(float_amount))
        sums = dict.fromkeys(["sale", "change", "refund", "paid_in", "paid_out", "drop"], 0)
        card = 0
        for step in day:
            kind = step[0]
            if kind == "sale":
                _, total, percent, extra = step
                cash_part = total * percent // 100
                tendered = cash_part + extra if cash_part else 0
                record_sale(store, shift.id, total, cash_part=cash_part, tendered=tendered)
                sums["sale"] += tendered
                sums["change"] += tendered - cash_part
                card += total - cash_part
            elif kind == "refund":
                record_cash_refund(store, shift.id, step[1])
                sums["refund"] += step[1]
            elif kind == "x":
                pass
            else:
                getattr(shifts, kind)(usd(step[1]), "a reason")
                sums[kind] += step[1]
            if kind == "x":
                assert shifts.x_report().expected_cash == _formula(float_amount, sums)
        expected = _formula(float_amount, sums)
        z = shifts.close(usd(max(0, expected + counted_delta)))
        assert z.expected_cash == expected
        assert z.over_short == max(0, expected + counted_delta) - expected
        assert z.card_sales_total == card
        assert shifts.report(shift.number).expected_cash == expected


def _formula(float_amount: int, sums: dict[str, int]) -> int:
    return (float_amount + sums["sale"] - sums["change"] - sums["refund"] + sums["paid_in"] - sums["paid_out"]
            - sums["drop"])
