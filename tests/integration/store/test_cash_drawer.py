"""CashDrawer: every opening is recorded with its reason, whether or not a device kicked it."""

from __future__ import annotations


from pos_app.devices import CashDrawer
from pos_app.store import DrawerReason


def test_an_opening_is_recorded_with_its_reason_and_whether_the_device_kicked(store):
    shift = store.shifts.open("till-1", 0, "usd")
    kicks = []
    drawer = CashDrawer(store.drawer, kick=lambda: kicks.append(1) or True, device="file:test")
    opening = drawer.open(DrawerReason.CASH_SALE, shift_id=shift.id)
    assert kicks == [1] and (opening.reason, opening.kicked, opening.device) == (DrawerReason.CASH_SALE, True,
                                                                                "file:test")
    unplugged = CashDrawer(store.drawer)  # no printer configured: opened by key, still recorded
    assert unplugged.open(DrawerReason.NO_SALE, shift_id=shift.id).kicked is False
    assert [o.reason for o in drawer.openings(shift.id)] == [DrawerReason.CASH_SALE, DrawerReason.NO_SALE]


def test_a_failing_device_still_records_the_opening_as_not_kicked(store):
    def broken() -> bool:
        raise OSError("printer offline")

    opening = CashDrawer(store.drawer, kick=broken, device="network:10.0.0.9").open(DrawerReason.PAID_OUT,
                                                                                      shift_id=None)
    assert opening.kicked is False and store.drawer.all()[-1] == opening
