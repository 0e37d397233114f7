"""The expected cash of a shift, derived from its float and movements (domain/cash.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.cash import CashKind, CashMovement, expected_cash, totals_by_kind

movements = st.lists(st.builds(CashMovement, st.sampled_from(list(CashKind)), st.integers(1, 10**7)), max_size=60)


@given(st.integers(0, 10**6), movements)
def test_expected_cash_is_float_plus_sales_minus_change_minus_refunds_plus_in_minus_out_minus_drops(float_, day):
    by_kind = {kind: sum(m.amount for m in day if m.kind is kind) for kind in CashKind}
    assert expected_cash(float_, day) == (float_ + by_kind[CashKind.SALE] - by_kind[CashKind.CHANGE]
                                          - by_kind[CashKind.REFUND] + by_kind[CashKind.PAID_IN]
                                          - by_kind[CashKind.PAID_OUT] - by_kind[CashKind.DROP])


@given(st.integers(0, 10**6), movements, st.randoms())
def test_the_order_of_a_days_movements_does_not_change_the_expected_cash(float_, day, rnd):
    shuffled = list(day)
    rnd.shuffle(shuffled)
    assert expected_cash(float_, shuffled) == expected_cash(float_, day)
    assert totals_by_kind(shuffled) == totals_by_kind(day)


@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_a_cash_sale_adds_what_the_sale_cost_and_no_more(price, extra):
    """The customer hands over price + extra, gets extra back: the drawer holds `price` more."""
    day = [CashMovement(CashKind.SALE, price + extra)] + ([CashMovement(CashKind.CHANGE, extra)] if extra else [])
    assert expected_cash(1000, day) == 1000 + price


def test_amounts_are_positive_ints_in_minor_units():
    with pytest.raises(TypeError):
        CashMovement(CashKind.SALE, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        CashMovement(CashKind.DROP, 0)
    with pytest.raises(ValueError, match="float"):
        expected_cash(-1, [])
