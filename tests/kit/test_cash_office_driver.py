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
    """The dialog refuses it; the driver says so, naming the step and what the dialog said."""
    number = _fresh_shift(pos, 0)
    with pytest.raises(AssertionError, match=r"paid out 100: the shift dialog says .*give a reason") as refused:
        pos.cash_out(100, "")
    assert "shift dialog (the shift's steps)" in str(refused.value)
    shift = pos.local.store.shifts.by_number("till-1", number)
    assert pos.local.store.cash.for_shift(shift.id) == []


def test_the_steps_go_through_the_shift_dialog_and_return_what_it_shows(pos):
    from pos_app.qt.shift_dialog import ShiftDialog
    _fresh_shift(pos, 2_000)
    pos.add("item1")
    assert pos.pay_cash(1_000) == 500  # $5.00 in cash, $10.00 handed over
    x = pos.x_report()
    dialog = pos.window.findChild(ShiftDialog, "shiftDialog")
    assert x["expected_cash"] == 2_500 and "Expected cash $25.00" in " ".join(dialog.view.toPlainText().split())
    assert not dialog.isVisible()  # Esc closed it, as a cashier leaves it
    z = pos.close_shift(2_400)
    assert (z["expected_cash"], z["counted_cash"], z["over_short"]) == (2_500, 2_400, -100)
    assert dialog.report.to_dict() == z and "Short -$1.00" in " ".join(dialog.view.toPlainText().split())


def test_a_count_under_way_when_the_till_restarts_is_given_there(pos):
    _fresh_shift(pos, 1_500)
    pos.local.shifts.start_count()
    pos.restart()
    with pytest.raises(AssertionError, match="the X report: the shift dialog shows the blind count"):
        pos.x_report()
    with pytest.raises(AssertionError, match="paid in 100: the shift dialog shows the blind count"):
        pos.cash_in(100, "change")
    z = pos.close_shift(1_500)
    assert (z["expected_cash"], z["over_short"]) == (1_500, 0)
