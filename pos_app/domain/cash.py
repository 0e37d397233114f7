"""Cash in the drawer: the kinds of movement, and the expected cash derived from them (pure).

The expected cash of a shift is never stored as a running number that could drift: it is
worked out, whenever it is asked for, from the shift's float and its recorded movements:

    expected = float + sales - change - refunds + paid_in - paid_out - drops

A cash sale records what the customer handed over (`sale`) and what went back (`change`), so
a tendered $50 for a $42.30 sale is sale 5000 and change 770: the drawer holds 4230 more.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class CashKind(enum.StrEnum):
    """What moved cash in (+) or out (-) of the drawer; the values are the stored strings."""

    SALE = "sale"  # + cash handed over for a sale
    CHANGE = "change"  # - change given back
    REFUND = "refund"  # - cash paid back for a refund
    PAID_IN = "paid_in"  # + cash put in, with a reason
    PAID_OUT = "paid_out"  # - cash taken out for an expense, with a reason
    DROP = "drop"  # - cash taken to the safe during the shift


#: +1 for cash into the drawer, -1 for cash out of it.
DIRECTION: dict[CashKind, int] = {
    CashKind.SALE: 1, CashKind.CHANGE: -1, CashKind.REFUND: -1,
    CashKind.PAID_IN: 1, CashKind.PAID_OUT: -1, CashKind.DROP: -1,
}


@dataclass(frozen=True)
class CashMovement:
    """One recorded movement: a positive amount in minor units, its direction given by its kind."""

    kind: CashKind
    amount: int

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"a cash amount is an int in minor units, not {type(self.amount).__name__}")
        if self.amount <= 0:
            raise ValueError(f"a cash movement is a positive amount, not {self.amount}")


def totals_by_kind(movements: Iterable[CashMovement]) -> dict[CashKind, int]:
    """The sum of each kind (every kind present, 0 when none)."""
    totals = dict.fromkeys(CashKind, 0)
    for movement in movements:
        totals[movement.kind] += movement.amount
    return totals


def expected_cash(float_amount: int, movements: Iterable[CashMovement]) -> int:
    """What should be in the drawer: the float plus every movement in its direction."""
    if isinstance(float_amount, bool) or not isinstance(float_amount, int) or float_amount < 0:
        raise ValueError(f"a float is a non-negative int in minor units, not {float_amount!r}")
    return float_amount + sum(DIRECTION[kind] * total for kind, total in totals_by_kind(movements).items())
