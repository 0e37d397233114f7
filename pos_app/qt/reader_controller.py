"""ReaderChargeController: one payment on the card reader, followed by polling on the worker (no widgets).

The states are domain/reader_charge.py's (one enum, one transition function). charge() submits
CheckoutService.charge_on_reader to the window's TaskRunner; once the reader waits for the card a
QTimer asks the worker every `poll_ms` for follow_reader() (one poll in flight at a time, so a slow
answer never piles polls up); cancel() submits cancel_on_reader. Past `deadline_s` without an end,
the payment is cancelled on the reader as timed out. Every answer comes back on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.domain.reader_charge import ReaderChargeState, next_reader_state
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.payments.gateway import GatewayUnavailable
from pos_app.qt.workers import TaskRunner

log = logging.getLogger(__name__)

R = ReaderChargeState
POLL_MS = 1000
DEADLINE_S = 120.0  # the customer has this long to present a card before the till cancels on the reader
OUTCOME_STATES = {"approved": R.APPROVED, "declined": R.DECLINED, "cancelled": R.CANCELLED, "failed": R.FAILED}


class ReaderChargeController(QObject):
    state_changed = Signal(object)  # ReaderChargeState
    message_changed = Signal(str, str)  # kind (info | error), text for the cashier
    payment_started = Signal(object)  # ReaderPayment: the reader waits for the card
    finished = Signal(object)  # the last ReaderProgress (its order or paid part), or the exception

    def __init__(self, runner: TaskRunner, checkout: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._checkout = checkout  # the CheckoutService, once payments run
        self._state = R.IDLE
        self.payment = None  # ReaderPayment while one is on the reader
        self.last = None  # the last ReaderProgress
        self.poll_ms, self.deadline_s = POLL_MS, DEADLINE_S
        self._deadline = 0.0
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def state(self) -> ReaderChargeState:
        return self._state

    @property
    def busy(self) -> bool:
        """A payment is on its way to, on, or back from the reader (the guard against a second one)."""
        return self._state not in (R.IDLE,) and not self._state.ended

    def _go(self, wanted: ReaderChargeState) -> None:
        self._state = next_reader_state(self._state, wanted)
        self.state_changed.emit(wanted)

    # -- start -----------------------------------------------------------------------------------

    def charge(self, amount: int | None = None) -> bool:
        """Start a payment on the reader (payment_started, or finished with the reason it could not)."""
        checkout = self._checkout()
        if checkout is None or self.busy:  # one payment on the reader at a time
            return False
        if self._state is R.APPROVED:
            self._go(R.IDLE)
        self._go(R.STARTING)
        self.message_changed.emit("info", _("Sending the payment to the card reader…"))
        self._runner.submit("reader-charge", lambda: checkout.charge_on_reader(amount), self._on_runner_started,
                            self._on_runner_start_failed)
        return True

    def _on_runner_started(self, payment) -> None:
        self.payment = payment
        self._go(R.WAITING)
        self._deadline = time.monotonic() + self.deadline_s
        self.message_changed.emit("info", _("Present card on the reader."))
        self.payment_started.emit(payment)
        self._timer.start(self.poll_ms)

    def _on_runner_start_failed(self, exc: BaseException) -> None:
        self._go(R.FAILED)
        self.message_changed.emit("error", failure_text(exc))
        self.finished.emit(exc)

    # -- follow ----------------------------------------------------------------------------------

    def _on_timer_timeout(self) -> None:
        if self._state is not R.WAITING or self._polling:
            return
        if time.monotonic() >= self._deadline:  # the poll deadline: cancelled on the reader as timed out
            self._cancel(timed_out=True)
            return
        checkout = self._checkout()
        self._polling = True
        self._runner.submit("reader-poll", checkout.follow_reader, self._on_runner_progress,
                            self._on_runner_poll_failed)

    def _on_runner_progress(self, progress) -> None:
        self._polling = False
        if self._state not in (R.WAITING, R.CANCELLING):
            return
        self.last = progress
        if not progress.ended:
            if self._state is R.WAITING:
                self.message_changed.emit("info", progress.message)
                self._timer.start(self.poll_ms)
            return
        self._timer.stop()
        self.payment = None
        outcome = OUTCOME_STATES[str(progress.outcome)]
        if outcome is R.APPROVED:
            self._go(R.RECORDING)
        self._go(outcome)
        self.message_changed.emit("info" if outcome is R.APPROVED else "error", progress.message)
        self.finished.emit(progress)

    def _on_runner_poll_failed(self, exc: BaseException) -> None:
        self._polling = False
        if self._state is not R.WAITING:
            return
        if isinstance(exc, GatewayUnavailable):  # the network blinked: look again until the deadline
            self.message_changed.emit("error", failure_text(exc))
            self._timer.start(self.poll_ms)
            return
        self._timer.stop()
        self._go(R.FAILED)
        self.message_changed.emit("error", failure_text(exc))
        self.finished.emit(exc)

    # -- cancel / reset --------------------------------------------------------------------------

    def cancel(self) -> bool:
        """The cashier's Cancel: the reader stops collecting (a payment made meanwhile is recorded)."""
        if self._state is not R.WAITING:
            return False
        self._cancel(timed_out=False)
        return True

    def _cancel(self, *, timed_out: bool) -> None:
        self._timer.stop()
        self._go(R.CANCELLING)
        self.message_changed.emit("info", _("Cancelling on the card reader…"))
        checkout = self._checkout()
        self._runner.submit("reader-cancel", lambda: checkout.cancel_on_reader(timed_out=timed_out),
                            self._on_runner_progress, self._on_runner_cancel_failed)

    def _on_runner_cancel_failed(self, exc: BaseException) -> None:
        if self._state is R.CANCELLING:
            self._go(R.FAILED)
            self.message_changed.emit("error", failure_text(exc))
            self.finished.emit(exc)

    def reset(self) -> None:
        """Back to the sale after an end (the dialog closed)."""
        if self._state.ended:
            self._go(R.IDLE)


def failure_text(exc: BaseException) -> str:
    if isinstance(exc, UserFacingError):
        return str(exc)
    log.error("reader payment failed: %r", exc)
    return _("The card reader payment failed: an unexpected error happened (see the log).")
