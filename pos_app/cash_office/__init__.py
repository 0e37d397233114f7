"""The cash office: shifts (float, paid in/out, drops, the X report, the blind close and its Z)."""

from pos_app.errors import CountUnderWay, NoOpenShift
from pos_app.cash_office.report import X, Z, CashLine, ShiftReport
from pos_app.cash_office.shifts import (
    BlindCount, ShiftAlreadyOpen, ShiftNotFound, ShiftRefused, ShiftService, stored_z,
)

__all__ = ["X", "Z", "BlindCount", "CashLine", "CountUnderWay", "NoOpenShift", "ShiftAlreadyOpen", "ShiftNotFound",
           "ShiftRefused", "ShiftReport", "ShiftService", "stored_z"]
