"""Tenders in the domain: their one state machine and the cash maths (domain/tenders.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.cash import CashKind, CashMovement, expected_cash
from pos_app.domain.tenders import (
    TENDER_MOVES, CashRefused, TenderMoveRefused, TenderStatus, cash_due, cash_increment, move, quick_amounts,
    remaining_after, round_cash, take_cash,
)

T = TenderStatus
CURRENCIES = st.sampled_from(["usd", "chf", "cad", "eur", "sek", "dkk", "jpy", "gbp"])


def test_a_tender_moves_pending_to_succeeded_failed_or_voided_and_a_paid_one_only_to_voided():
    assert move(T.PENDING, T.SUCCEEDED) is T.SUCCEEDED
    assert move(T.PENDING, T.FAILED) is T.FAILED
    assert move(T.PENDING, T.VOIDED) is T.VOIDED
    assert move(T.SUCCEEDED, T.VOIDED) is T.VOIDED
    for start in T:
        for wanted in T:
            if wanted not in TENDER_MOVES[start]:
                with pytest.raises(TenderMoveRefused):
                    move(start, wanted)
    assert [s for s in T if s.live] == [T.PENDING, T.SUCCEEDED]


def test_cldr_cash_rounding():
    assert cash_increment("chf") == 5 and cash_increment("CAD") == 5
    assert cash_increment("usd") == 1 and cash_increment("eur") == 1 and cash_increment("jpy") == 1
    assert cash_increment("dkk") == 50
    assert cash_increment("sek") == 100  # whole kronor in cash
    assert round_cash(1002, 5) == 1000 and round_cash(1003, 5) == 1005 and round_cash(1025, 50) == 1050
    assert cash_due(1002, "chf") == 1000 and cash_due(1002, "usd") == 1002


@given(st.integers(1, 10**8), CURRENCIES)
def test_exact_cash_covers_the_rest_with_no_change_and_at_most_half_a_step_of_rounding(remaining, currency):
    take = take_cash(remaining, None, currency)
    step = cash_increment(currency)
    assert take.applied == remaining and take.change == 0
    assert take.tendered == take.received == cash_due(remaining, currency)
    assert take.received % step == 0
    assert abs(take.rounding) <= step // 2


@given(st.integers(1, 10**7), st.integers(0, 10**7), CURRENCIES)
def test_enough_cash_covers_the_rest_and_the_drawer_keeps_the_rounded_amount(remaining, extra, currency):
    due = cash_due(remaining, currency)
    if due == 0:
        return  # the rest rounds to nothing in cash (e.g. 0.02 CHF): covered without cash
    take = take_cash(remaining, due + extra, currency)
    assert take.applied == remaining and take.change == extra
    movements = [CashMovement(CashKind.SALE, take.tendered)]
    if take.change:
        movements.append(CashMovement(CashKind.CHANGE, take.change))
    assert expected_cash(0, movements) == due  # what the drawer holds more: the rounded price


@given(st.integers(2, 10**7), st.data())
def test_too_little_cash_pays_what_was_handed_over_and_the_rest_stays_due(remaining, data):
    tendered = data.draw(st.integers(1, remaining - 1))
    take = take_cash(remaining, tendered, "usd")
    assert take.applied == tendered and take.change == 0
    assert remaining_after(remaining, [take.applied]) == remaining - tendered


def test_cash_refuses_what_is_not_an_amount():
    with pytest.raises(TypeError):
        take_cash(1000, 10.0, "usd")  # type: ignore[arg-type]
    with pytest.raises(CashRefused):
        take_cash(1000, -1, "usd")
    with pytest.raises(CashRefused):
        take_cash(1000, 0, "usd")
    with pytest.raises(CashRefused):
        take_cash(0, None, "usd")


def test_quick_amounts_are_the_exact_amount_then_the_next_notes():
    assert quick_amounts(4230, "usd") == [4230, 5000, 10000, 20000]
    assert quick_amounts(1002, "chf") == [1000, 2000, 5000, 10000]
    assert quick_amounts(1200, "jpy") == [1200, 2000, 5000, 10000]
