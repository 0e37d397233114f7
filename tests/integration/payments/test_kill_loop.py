"""The kill loop (benchmarks/kill_loop.py) in small: a few real kill -9 runs, and its checks catching faults.

The full loop (100+ runs) is in docs/benchmarks.md; these keep it from rotting: three runs with a
fixed seed through the same code, and the invariants shown to fail on a doctored data folder (a
card payment the till doesn't know, a cash movement recorded twice), so a check that can't fail
doesn't pass for one.
"""

from __future__ import annotations

import sqlite3

import pytest

from benchmarks.kill_checks import check_sale
from benchmarks.kill_loop import one_run
from benchmarks.kill_sale import FLOAT, PLANS, Cashier, Sale
from benchmarks.kill_till import TillClient, TillProcess
from pos_app.sandbox import SandboxState
from pos_app.sandbox.server import STATE_FILE_NAME

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("run", [1, 2, 3])
def test_a_killed_split_sale_resumes_with_nothing_lost_or_doubled(tmp_path, run):
    result = one_run(run, seed=16, root=tmp_path)
    assert result.kill_point  # the till was killed: in a request, between two, or after the sale
    assert result.outcome in ("complete at restart", "resumed, completed", "voided", "voided on resume",
                              "voided (its answer lost)")
    assert result.violations == []


def test_a_kill_aimed_at_a_void_lands_in_it_and_loses_nothing(tmp_path):
    result = one_run(1, seed=16, root=tmp_path, target="void")
    assert result.plan.endswith("-void") and result.violations == []
    assert result.kill_point == "void"  # the void's request was in flight when the till was killed


@pytest.fixture
def sold(tmp_path):
    """A cash-card-cash sale paid in full (no kill), the till stopped: its folder and what the cashier saw."""
    till = TillProcess(tmp_path, "till.log")
    client = TillClient(till.line)
    sale = Sale(0, list(PLANS["cash-card-cash"]))
    try:
        Cashier(client, sale).drive()
        _, report = client.till("x", "GET", "/shift/x")
    finally:
        assert till.stop() == 0
    return tmp_path, sale, report["report"]["expected_cash"]


def _check(folder, sale, expected_cash):
    return check_sale(folder, sale.cart_uuid, voided=False, expected_cash=expected_cash, float_amount=FLOAT,
                      drawer=sale.drawer, frozen=False)


def test_the_checks_pass_a_clean_sale_and_name_a_card_payment_the_till_does_not_know(sold):
    folder, sale, expected_cash = sold
    assert _check(folder, sale, expected_cash) == []
    state = SandboxState(folder / STATE_FILE_NAME)
    with state.transaction():
        state.put("payment_intent", {"id": "pi_stray", "object": "payment_intent", "status": "succeeded",
                                     "amount": 700, "amount_received": 700, "currency": "usd", "created": 1,
                                     "metadata": {"cart_uuid": sale.cart_uuid, "part": "2"}})
    state.close()
    problems = _check(folder, sale, expected_cash)
    assert any(p.startswith("tender lost: pi_stray") for p in problems)
    assert any(p.startswith("doubled: 2 paid PaymentIntents") for p in problems)


def test_the_checks_name_cash_recorded_twice_and_a_wrong_expected_cash(sold):
    folder, sale, expected_cash = sold
    db = sqlite3.connect(folder / "pos.sqlite3")
    with db:
        db.execute("INSERT INTO cash_movements (shift_id, kind, amount, currency, reference, created_at)"
                   " SELECT shift_id, kind, amount, currency, reference, created_at FROM cash_movements"
                   " WHERE kind = 'sale' LIMIT 1")
    db.close()
    problems = _check(folder, sale, expected_cash + 1)
    assert any(p.startswith("doubled: 2 sale movements") for p in problems)
    assert any(p.startswith(f"expected cash {expected_cash + 1} != float") for p in problems)
