"""The cash office's tables (migration 6): one open shift per terminal, numbered per terminal;
closed shifts, cash movements and drawer openings can't be changed or deleted by anyone."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.cash import CashKind, CashMovement, expected_cash
from pos_app.store import DrawerReason


def test_one_open_shift_per_terminal_numbered_per_terminal(store):
    first = store.shifts.open("till-1", 10_000, "usd")
    assert (first.number, first.open, store.shifts.current("till-1")) == (1, True, first)
    with pytest.raises(sqlite3.IntegrityError):
        store.shifts.open("till-1", 0, "usd")  # still open
    assert store.shifts.open("till-2", 0, "usd").number == 1  # another terminal counts its own
    closed = store.shifts.close(first.id, 10_000, "{}")
    assert not closed.open and store.shifts.current("till-1") is None
    assert store.shifts.open("till-1", 500, "usd").number == 2
    assert [s.number for s in store.shifts.all("till-1")] == [1, 2]


def test_a_closed_shift_movements_and_drawer_openings_are_immutable(store):
    shift = store.shifts.open("till-1", 10_000, "usd")
    movement = store.cash.record(shift.id, CashMovement(CashKind.PAID_IN, 500), "usd", reason="change for the float")
    opening = store.drawer.record(DrawerReason.PAID_IN, shift_id=shift.id, kicked=True, device="file")
    store.shifts.close(shift.id, 10_500, "{}")
    for sql in ("UPDATE shifts SET counted_cash = 0", "DELETE FROM shifts",
                f"UPDATE cash_movements SET amount = 1 WHERE id = {movement.id}", "DELETE FROM cash_movements",
                f"UPDATE drawer_openings SET reason = 'no_sale' WHERE id = {opening.id}",
                "DELETE FROM drawer_openings"):
        with pytest.raises(sqlite3.IntegrityError), store.db.transaction() as conn:
            conn.execute(sql)
    assert store.shifts.get(shift.id).counted_cash == 10_500
    assert [r.movement for r in store.cash.for_shift(shift.id)] == [CashMovement(CashKind.PAID_IN, 500)]
    assert [o.reason for o in store.drawer.for_shift(shift.id)] == [DrawerReason.PAID_IN]


def test_cash_movements_commit_with_the_unit_of_work_or_not_at_all(store):
    shift = store.shifts.open("till-1", 2_000, "usd")
    with store.unit_of_work() as work:
        work.cash.record(shift.id, CashMovement(CashKind.SALE, 5_000), "usd")
        work.cash.record(shift.id, CashMovement(CashKind.CHANGE, 770), "usd")
    with pytest.raises(RuntimeError), store.unit_of_work() as work:
        work.cash.record(shift.id, CashMovement(CashKind.DROP, 1_000), "usd")
        raise RuntimeError("the sale failed after the drop was written")
    recorded = [r.movement for r in store.cash.for_shift(shift.id)]
    assert expected_cash(shift.float_amount, recorded) == 2_000 + 4_230  # the failed step left nothing
