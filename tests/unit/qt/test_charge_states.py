"""The charge lifecycle's transition function, on the states alone (no widget, no Qt event loop)."""

from __future__ import annotations

import itertools

import pytest

from pos_app.qt.charge_controller import NEXT, ChargeState, IllegalTransition, next_state

S = ChargeState
ONE_SALE = [S.IDLE, S.PREPARING, S.CARD_FORM, S.CONFIRMING, S.RECORDING, S.DONE, S.IDLE]


def test_one_sale_goes_idle_preparing_card_form_confirming_recording_done_idle():
    state = ONE_SALE[0]
    for wanted in ONE_SALE[1:]:
        state = next_state(state, wanted)
    assert state is S.IDLE


@pytest.mark.parametrize(("current", "wanted"), [
    (S.STARTING, S.PREPARING),  # no Charge before the payments are up
    (S.UNAVAILABLE, S.PREPARING),
    (S.IN_DOUBT, S.PREPARING),  # nor while a payment is in doubt
    (S.RECONCILING, S.PREPARING),
    (S.PREPARING, S.PREPARING),  # nor twice
    (S.RECORDING, S.IDLE),  # a sale being recorded is never dropped: it is done, or reconciled
    (S.DONE, S.RECORDING),
    (S.IN_DOUBT, S.IDLE),  # doubt ends only by a reconcile that can tell
])
def test_illegal_steps_are_refused(current, wanted):
    with pytest.raises(IllegalTransition, match=f"{current.name} → {wanted.name}"):
        next_state(current, wanted)


def test_every_pair_is_either_allowed_by_the_table_or_refused():
    for current, wanted in itertools.product(ChargeState, repeat=2):
        if wanted in NEXT[current]:
            assert next_state(current, wanted) is wanted
        else:
            with pytest.raises(IllegalTransition):
                next_state(current, wanted)
    assert set(NEXT) == set(ChargeState)


def test_every_state_is_reachable_from_starting_and_leads_back_to_idle():
    reachable, todo = {S.STARTING}, [S.STARTING]
    while todo:
        for wanted in NEXT[todo.pop()] - reachable:
            reachable.add(wanted)
            todo.append(wanted)
    assert reachable == set(ChargeState)
    for state in ChargeState:
        if state is S.STARTING:
            continue
        seen, todo = {state}, [state]
        while todo and S.IDLE not in seen:
            for wanted in NEXT[todo.pop()] - seen:
                seen.add(wanted)
                todo.append(wanted)
        assert S.IDLE in seen, state
