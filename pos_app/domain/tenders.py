"""Tenders: how a sale is paid (cash, card parts), their one state machine, and the cash maths (pure).

A sale is paid by one or more tenders until they cover its total. Each tender is PENDING until
its money is known (a card part while the customer pays), then SUCCEEDED or FAILED; a SUCCEEDED
or PENDING tender can be VOIDED (the cart is to change: the card part cancelled or refunded, the
cash handed back). `move` is the one transition function; nothing else changes a status.

Cash is rounded where CLDR says the currency's cash is (CHF and CAD to 0.05, SEK to whole
kronor): the customer pays the rounded amount due in cash, while the tender still covers the
exact remainder of the sale (the rounding difference is the till's, and shows on the receipt).
Card amounts are never rounded.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from babel.core import get_global

from pos_app.domain.money import currency_digits, normalize_currency


class TenderKind(enum.StrEnum):
    CASH = "cash"
    CARD = "card"


class TenderStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    VOIDED = "voided"

    @property
    def live(self) -> bool:
        """Still part of the sale: pending or paid (a failed or voided tender no longer counts)."""
        return self in (TenderStatus.PENDING, TenderStatus.SUCCEEDED)


T = TenderStatus
TENDER_MOVES: dict[TenderStatus, frozenset[TenderStatus]] = {
    T.PENDING: frozenset({T.SUCCEEDED, T.FAILED, T.VOIDED}),
    T.SUCCEEDED: frozenset({T.VOIDED}),
    T.FAILED: frozenset(),
    T.VOIDED: frozenset(),
}


class TenderMoveRefused(ValueError):
    """A step a tender's life does not have (a bug in whoever asked for it)."""


def move(current: TenderStatus, wanted: TenderStatus) -> TenderStatus:
    """The one transition function: `wanted` if a tender may go there from `current`."""
    if wanted not in TENDER_MOVES[current]:
        raise TenderMoveRefused(f"a {current} tender can't become {wanted}")
    return wanted


# -- cash maths --------------------------------------------------------------------------------


def cash_increment(currency: str) -> int:
    """The smallest cash amount in minor units (CLDR cash rounding): chf 5, cad 5, dkk 50, sek 100, usd 1."""
    fractions = get_global("currency_fractions")
    code = normalize_currency(currency).upper()
    digits, _rounding, cash_digits, cash_rounding = fractions.get(code, fractions["DEFAULT"])
    return int((cash_rounding or 1) * 10 ** max(0, digits - cash_digits))


def round_cash(amount: int, increment: int) -> int:
    """`amount` to the nearest multiple of `increment`, halves up (Swiss rounding: 0.025 -> 0.05)."""
    _check_minor(amount, "an amount")
    if increment < 1:
        raise ValueError(f"a cash increment is 1 or more, not {increment}")
    return (amount + increment // 2) // increment * increment


@dataclass(frozen=True)
class CashTake:
    """What a cash tender does to a sale: `applied` covers that much of it, `change` goes back.

    received = tendered - change is what the drawer keeps; rounding = applied - received (the
    till's rounding difference, positive when the customer paid less than the exact remainder).
    """

    tendered: int
    applied: int
    change: int

    @property
    def received(self) -> int:
        return self.tendered - self.change

    @property
    def rounding(self) -> int:
        return self.applied - self.received


class CashRefused(ValueError):
    """A cash amount that can't be taken (its text is safe to show)."""


def cash_due(remaining: int, currency: str) -> int:
    """What the customer pays in cash for `remaining` (the exact amount still due), rounded."""
    return round_cash(remaining, cash_increment(currency))


def take_cash(remaining: int, tendered: int | None, currency: str) -> CashTake:
    """The tender for `tendered` cash (None: exactly the amount due in cash) against `remaining`.

    Enough to pay the rounded amount due: it covers all of `remaining` and gives the change.
    Less: it covers what was handed over, and the rest is still due.
    """
    _check_minor(remaining, "the amount still due")
    if remaining == 0:
        raise CashRefused("nothing is left to pay")
    due = cash_due(remaining, currency)
    if tendered is None:
        tendered = due
    _check_minor(tendered, "the cash tendered")
    if tendered >= due:
        return CashTake(tendered=tendered, applied=remaining, change=tendered - due)
    if tendered == 0:
        raise CashRefused("type the cash the customer handed over")
    return CashTake(tendered=tendered, applied=tendered, change=0)


def remaining_after(total: int, applied: Iterable[int]) -> int:
    """What the sale still needs after the tenders' applied amounts (never below 0)."""
    return max(0, total - sum(applied))


#: Banknotes offered as quick amounts, in major units (scaled by the currency's digits).
NOTES = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def quick_amounts(due: int, currency: str, count: int = 3) -> list[int]:
    """The quick cash buttons for `due`: the exact (rounded) amount, then the next notes above it."""
    exact = cash_due(due, currency)
    scale = 10 ** currency_digits(currency)
    return [exact, *[note * scale for note in NOTES if note * scale > exact][:count]]


def _check_minor(amount: object, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"{what} is an int in minor units, not {type(amount).__name__}")
    if amount < 0:
        raise CashRefused(f"{what} can't be negative")
