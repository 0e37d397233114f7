"""PosDriver's shift steps against the real till: open_shift, cash_in / cash_out, x_report, close_shift."""

from __future__ import annotations

import pytest

from pos_app.store import DrawerReason

pytestmark = [pytest.mark.gui]


def _fresh_shift(pos, float_minor: int) -> int:
    if pos.shift_number() is not None:  # the kit's `pos` may start with a shift open (float 0)
        pos.close_shift(0)
    return pos.open_shift(float_minor)


def test_a_shift_from_the_float_to_the_z_report(pos):
    number = _fresh_shift(pos, 10_000)
    assert pos.shift_number() == number
    pos.cash_in(500, "change from the safe")
    pos.cash_out(1_250, "window cleaner")
    pos.cash_drop(2_000)
    x = pos.x_report()
    assert (x["expected_cash"], x["counted_cash"], x["over_short"]) == (7_250, None, None)
    z = pos.close_shift(7_300)
    assert (z["kind"], z["expected_cash"], z["counted_cash"], z["over_short"]) == ("Z", 7_250, 7_300, 50)
    assert z["tenders"]["cash"] == {"expected": 7_250, "counted": 7_300, "over_short": 50, "sales": 0,
                                    "refunds": 0}
    assert pos.shift_number() is None
    shift = pos.local.store.shifts.by_number("till-1", number)
    assert [o.reason for o in pos.local.store.drawer.for_shift(shift.id)][1:4] == [
        DrawerReason.PAID_IN, DrawerReason.PAID_OUT, DrawerReason.DROP]


def test_a_paid_out_without_a_reason_is_refused(pos):
    from pos_app.cash_office import ShiftRefused
    _fresh_shift(pos, 0)
    with pytest.raises(ShiftRefused, match="give a reason"):
        pos.cash_out(100, "")
