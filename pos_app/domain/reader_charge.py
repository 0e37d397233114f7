"""ReaderChargeState: one payment on a card reader as an enum and one transition function (pure).

IDLE → STARTING (the part's PaymentIntent created, the cart shown on the reader, the reader told
to collect it) → WAITING ("present card on the reader": the till polls the reader's action and
the PaymentIntent) → RECORDING (the PaymentIntent verified with the processor, captured with its
tip when the shop takes tips) → APPROVED. A WAITING payment ends DECLINED (Stripe's reason),
CANCELLED (the customer on the reader, or the cashier's Cancel, through CANCELLING) or FAILED
(reader offline or busy, the poll deadline passed). From an end the cashier tries again
(STARTING) or goes back to the sale (IDLE). `next_reader_state` refuses every other step.
"""

from __future__ import annotations

import enum


class ReaderChargeState(enum.Enum):
    IDLE = "idle"
    STARTING = "starting"
    WAITING = "waiting"  # present card on the reader
    CANCELLING = "cancelling"  # the cashier's Cancel (or the deadline) on its way to the reader
    RECORDING = "recording"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"  # offline, busy, timed out, or the processor could not be reached

    @property
    def ended(self) -> bool:
        return self in ENDS


R = ReaderChargeState
ENDS = frozenset({R.APPROVED, R.DECLINED, R.CANCELLED, R.FAILED})
READER_MOVES: dict[ReaderChargeState, frozenset[ReaderChargeState]] = {
    R.IDLE: frozenset({R.STARTING}),
    R.STARTING: frozenset({R.WAITING, R.RECORDING, R.FAILED}),
    R.WAITING: frozenset({R.RECORDING, R.DECLINED, R.CANCELLED, R.CANCELLING, R.FAILED}),
    # A Cancel that comes too late finds the payment made: it is recorded, never lost.
    R.CANCELLING: frozenset({R.CANCELLED, R.RECORDING, R.FAILED}),
    R.RECORDING: frozenset({R.APPROVED, R.FAILED}),
    R.APPROVED: frozenset({R.IDLE}),
    R.DECLINED: frozenset({R.STARTING, R.IDLE}),
    R.CANCELLED: frozenset({R.STARTING, R.IDLE}),
    R.FAILED: frozenset({R.STARTING, R.IDLE}),
}


class ReaderMoveRefused(RuntimeError):
    """A step a reader payment does not have (a bug in whoever asked for it)."""


def next_reader_state(current: ReaderChargeState, wanted: ReaderChargeState) -> ReaderChargeState:
    """The one transition function: `wanted` if a reader payment may go there from `current`."""
    if wanted not in READER_MOVES[current]:
        raise ReaderMoveRefused(f"{current.name} → {wanted.name}")
    return wanted
