"""ChargeController without a widget: over the real CheckoutService and training sandbox, on a TaskRunner."""

from __future__ import annotations

import pytest

from pos_app.errors import UserFacingError
from pos_app.qt.charge_controller import ChargeController, ChargeState, IllegalTransition
from pos_app.qt.workers import TaskRunner

pytestmark = pytest.mark.gui

S = ChargeState
TIMEOUT = 20_000


@pytest.fixture
def runner():
    runner = TaskRunner(name="test-charge")
    yield runner
    assert runner.stop(10)


def states_of(controller) -> list[ChargeState]:
    seen: list[ChargeState] = []
    controller.state_changed.connect(seen.append)
    return seen


def test_a_charge_prepares_on_the_worker_and_a_cancel_releases_the_cart(qtbot, pos_app, runner):
    checkout, carts = pos_app.payments.checkout, pos_app.local.carts
    controller = ChargeController(runner, checkout)
    seen = states_of(controller)
    carts.add("latte")
    with qtbot.waitSignal(controller.payment_prepared, timeout=TIMEOUT) as prepared:
        assert controller.charge()
        assert controller.state is S.PREPARING and not controller.charge()  # never twice
    assert prepared.args[0].amount == carts.snapshot().totals.total.amount
    assert controller.state is S.CARD_FORM and carts.snapshot().frozen
    controller.page_state("confirming")
    controller.page_state("declined")  # the page takes another card
    controller.card_form_closed(abandon=True)
    assert controller.state is S.IDLE
    qtbot.waitUntil(lambda: not runner.busy and not carts.snapshot().frozen, timeout=TIMEOUT)
    assert seen == [S.PREPARING, S.CARD_FORM, S.CONFIRMING, S.CARD_FORM, S.IDLE]


def test_a_prepare_that_fails_comes_back_to_idle_and_says_why(qtbot, pos_app, runner):
    controller = ChargeController(runner, pos_app.payments.checkout)
    with qtbot.waitSignal(controller.prepare_failed, timeout=TIMEOUT) as failed:
        controller.charge()  # the cart is empty: CheckoutService refuses it
    assert isinstance(failed.args[0], UserFacingError)
    assert controller.state is S.IDLE and controller.can_charge()


def test_a_reconcile_asked_for_before_the_payments_are_up_runs_once_they_are(qtbot, pos_app, runner):
    controller = ChargeController(runner)  # as over an opened-only core
    assert controller.state is S.STARTING and not controller.payments_ready and not controller.charge()
    controller.reconcile()
    assert controller.state is S.STARTING and not runner.busy  # owed, not run
    with qtbot.waitSignal(controller.reconcile_finished, timeout=TIMEOUT) as finished:
        controller.payments_started(pos_app.payments.checkout)
        assert controller.state is S.RECONCILING and controller.reconciling
    assert not finished.args[0].in_doubt
    assert controller.state is S.IDLE and controller.payments_ready


def test_a_sale_that_cannot_be_recorded_is_reconciled(qtbot, pos_app, runner):
    checkout, carts = pos_app.payments.checkout, pos_app.local.carts
    controller = ChargeController(runner, checkout)
    carts.add("latte")
    with qtbot.waitSignal(controller.payment_prepared, timeout=TIMEOUT):
        controller.charge()
    controller.recording()
    with qtbot.waitSignal(controller.reconcile_finished, timeout=TIMEOUT):
        controller.record_failed()  # finalize() could not confirm it (here: nothing was paid)
    controller.card_form_closed(abandon=False)
    assert controller.state is S.IDLE


def test_a_failed_start_leaves_charge_unavailable(qtbot, runner):
    controller = ChargeController(runner)
    controller.payments_failed()
    assert controller.state is S.UNAVAILABLE and not controller.charge()
    with pytest.raises(IllegalTransition):
        controller.recording()  # no sale to record
