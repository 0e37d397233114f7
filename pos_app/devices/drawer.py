"""CashDrawer: open the drawer for a reason, and record every opening (store's DrawerLog).

A drawer is opened by its receipt printer's drawer kick (ESC/POS `ESC p`); `kick` is that
printer's kick, or None when no printer is configured (the opening is still recorded, with
kicked=False, so the cash office sees the cashier had to open it by key). Recording never
depends on the device: a printer that fails to kick is logged and recorded as not kicked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from typing import Any

from pos_app.domain.people import Permission, PermissionGate
from pos_app.store.cash_office import DrawerLog, DrawerOpening, DrawerReason, ShiftBook
from pos_app.store.orders import OrderBook

log = logging.getLogger(__name__)

#: Sends the kick to the device; True if it reached it.
DrawerKick = Callable[[], bool]


class CashDrawer:
    def __init__(self, openings: DrawerLog, kick: DrawerKick | None = None, device: str = "") -> None:
        self._openings = openings
        self._kick = kick
        self.device = device  # e.g. "file:/path/printer.bin", "network:10.0.0.9"; "" when none

    def open(self, reason: DrawerReason, *, shift_id: int | None, order_id: int | None = None) -> DrawerOpening:
        """Kick the drawer open (if a device is set) and record the opening with its reason."""
        kicked = False
        if self._kick is not None:
            try:
                kicked = self._kick()
            except Exception:  # the opening is recorded anyway; the cashier opens it by key
                log.exception("the drawer kick failed on %s", self.device)
        return self._openings.record(reason, shift_id=shift_id, order_id=order_id, device=self.device,
                                     kicked=kicked)

    def openings(self, shift_id: int) -> list[DrawerOpening]:
        """The openings of one shift, oldest first (DrawerLog.all() for all of them)."""
        return self._openings.for_shift(shift_id)


def no_sale(drawer: CashDrawer, shifts: ShiftBook, terminal_id: str, gate: PermissionGate | None, *,
            manager_pin: str | None = None) -> DrawerOpening:
    """Open the drawer with no money moving (change for a note, a receipt roll), in the terminal's
    open shift if it has one. A manager's action: `gate` (the till's session) checks it, and
    `manager_pin` approves a cashier's; None only where no one is at a till (tests of the drawer)."""
    if gate is not None:
        gate.require(Permission.NO_SALE, manager_pin=manager_pin)
    shift = shifts.current(terminal_id)
    return drawer.open(DrawerReason.NO_SALE, shift_id=shift.id if shift is not None else None)


def drawer_event(opening: DrawerOpening, orders: OrderBook) -> dict[str, Any]:
    """An opening as the HTTP API and the tester kit show it; `order` is the order's number."""
    order = orders.get(opening.order_id) if opening.order_id is not None else None
    return {"id": opening.id, "reason": str(opening.reason), "order": order.number if order else None,
            "shift": opening.shift_id, "kicked": opening.kicked, "device": opening.device,
            "time": opening.created_at}
