"""CashOfficeDriving: the PosDriver's shift steps (open with a float, paid in / out, the X, the close).

The steps go through the till's own ShiftService (the window's local context), the one the shift
dialog and the endpoint use, so a test sees exactly what the cashier's steps record; the reports
come back as the dict the endpoint answers with (`expected_cash`, `counted_cash`, `over_short`,
`tenders`: per tender `expected`, `counted`, `over_short`, `sales`, `refunds`). Amounts are minor
units of the shop's currency.
"""

from __future__ import annotations

from typing import Any

from pos_app.cash_office import ShiftService
from pos_app.domain.money import Money
from pos_app.testing.screen import TillScreen


class CashOfficeDriving(TillScreen):
    """The cash office's steps for PosDriver."""

    @property
    def _shifts(self) -> ShiftService:
        return self.local.shifts

    def _money(self, amount: int) -> Money:
        return Money(amount, self._shifts.currency)

    def open_shift(self, float_minor: int = 0) -> int:
        """Open a shift with this float; its number."""
        return self._shifts.open(self._money(float_minor)).number

    def cash_in(self, amount: int, reason: str) -> None:
        """A paid in of `amount` with its reason (the drawer opens)."""
        self._shifts.paid_in(self._money(amount), reason)

    def cash_out(self, amount: int, reason: str) -> None:
        """A paid out of `amount` with its reason (the drawer opens)."""
        self._shifts.paid_out(self._money(amount), reason)

    def cash_drop(self, amount: int, reason: str = "") -> None:
        """Cash taken to the safe (the drawer opens)."""
        self._shifts.drop(self._money(amount), reason)

    def x_report(self) -> dict[str, Any]:
        """The open shift's X report (nothing closes)."""
        return self._shifts.x_report().to_dict()

    def close_shift(self, counted_minor: int) -> dict[str, Any]:
        """Close the shift with the cash counted (blind): its Z report."""
        return self._shifts.close(self._money(counted_minor)).to_dict()

    def shift_number(self) -> int | None:
        """The open shift's number, None when none is open."""
        shift = self._shifts.current()
        return None if shift is None else shift.number
