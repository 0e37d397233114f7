"""The reader payment's states: the one transition function allows exactly the steps of its life."""

from __future__ import annotations

import pytest

from pos_app.domain.reader_charge import READER_MOVES, ReaderChargeState, ReaderMoveRefused, next_reader_state

R = ReaderChargeState


def test_a_payment_on_the_reader_goes_from_waiting_to_recorded_and_back_to_the_sale():
    state = R.IDLE
    for wanted in (R.STARTING, R.WAITING, R.RECORDING, R.APPROVED, R.IDLE):
        state = next_reader_state(state, wanted)
    assert state is R.IDLE


def test_a_cancel_that_comes_too_late_records_the_payment():
    assert next_reader_state(R.CANCELLING, R.RECORDING) is R.RECORDING


@pytest.mark.parametrize("start, wanted", [
    (R.IDLE, R.WAITING),  # nothing waits on the reader before it was sent
    (R.WAITING, R.APPROVED),  # never approved without recording (the intent checked first)
    (R.APPROVED, R.STARTING),  # a recorded sale goes back to the sale first
    (R.DECLINED, R.RECORDING),
    (R.STARTING, R.STARTING),  # one payment on the reader at a time
])
def test_steps_a_reader_payment_does_not_have_are_refused(start, wanted):
    with pytest.raises(ReaderMoveRefused):
        next_reader_state(start, wanted)


def test_every_state_is_in_the_table_and_every_end_leads_back_to_the_sale():
    assert set(READER_MOVES) == set(R)
    assert all(R.IDLE in READER_MOVES[s] for s in R if s.ended)
