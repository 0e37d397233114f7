"""CashDrawer: open the drawer for a reason, and record every opening (store's DrawerLog).

A drawer is opened by its receipt printer's drawer kick (ESC/POS `ESC p`); `kick` is that
printer's kick, or None when no printer is configured (the opening is still recorded, with
kicked=False, so the cash office sees the cashier had to open it by key). Recording never
depends on the device: a printer that fails to kick is logged and recorded as not kicked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pos_app.store.cash_office import DrawerLog, DrawerOpening, DrawerReason

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
        return self._openings.for_shift(shift_id)
