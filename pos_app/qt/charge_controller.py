"""ChargeController: the till's charge lifecycle as one state enum and one transition function.

IDLE → PREPARING → CARD_FORM ⇄ CONFIRMING → RECORDING → DONE → IDLE is one sale; around it
STARTING (payments not up yet), UNAVAILABLE (they failed to start), RECONCILING (unfinished
payments checked with the gateway), IN_DOUBT (a check could not tell: no Charge until one does)
and RECHECKING (checking again while in doubt). `next_state` refuses any other step.

The controller has no widgets: it submits prepare / abandon / close_voided / reconcile to the
checkout TaskRunner and says what happened through signals, which the window renders. It takes
the CheckoutService as an argument (or later, through payments_started()), so it works over
whatever wiring hands the window its services. A reconcile asked for while payments start or a
sale is on its way is owed, and runs as soon as the till is idle.
"""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtCore import QObject, Signal

from pos_app.errors import UserFacingError
from pos_app.i18n import _, ngettext
from pos_app.payments.gateway import GatewayUnavailable
from pos_app.qt.workers import TaskRunner

log = logging.getLogger(__name__)


class ChargeState(Enum):
    STARTING = "starting"  # payments not up yet: the cart works, Charge waits
    UNAVAILABLE = "unavailable"  # start_services() failed: no card payments
    IDLE = "idle"  # Charge when the cart allows
    PREPARING = "preparing"  # prepare() on the worker
    CARD_FORM = "card_form"  # the payment dialog takes the card
    CONFIRMING = "confirming"  # the page confirms the card with the processor
    RECORDING = "recording"  # finalize() on the worker records the sale
    DONE = "done"  # the sale is recorded; the receipt shows until the dialog closes
    RECONCILING = "reconciling"  # reconcile() on the worker
    IN_DOUBT = "in_doubt"  # the last reconcile could not tell what happened to a payment
    RECHECKING = "rechecking"  # reconcile() again, still in doubt until it answers


S = ChargeState
NEXT: dict[ChargeState, frozenset[ChargeState]] = {
    S.STARTING: frozenset({S.IDLE, S.UNAVAILABLE}),
    S.UNAVAILABLE: frozenset({S.IDLE}),
    S.IDLE: frozenset({S.PREPARING, S.RECONCILING}),
    S.PREPARING: frozenset({S.CARD_FORM, S.IDLE}),
    S.CARD_FORM: frozenset({S.CONFIRMING, S.RECORDING, S.IDLE}),
    S.CONFIRMING: frozenset({S.CARD_FORM, S.RECORDING, S.IDLE}),
    # A sale that could not be recorded is the reconcile's to find out (the dialog still shows why).
    S.RECORDING: frozenset({S.DONE, S.RECONCILING}),
    S.DONE: frozenset({S.IDLE}),
    S.RECONCILING: frozenset({S.IDLE, S.IN_DOUBT}),
    S.IN_DOUBT: frozenset({S.RECHECKING}),
    S.RECHECKING: frozenset({S.IDLE, S.IN_DOUBT}),
}
CARD_STATES = frozenset({S.CARD_FORM, S.CONFIRMING, S.DONE})  # the payment dialog is showing the sale
CONFIRMING_PAGE_STATES = frozenset({"confirming", "requires_action"})


class IllegalTransition(RuntimeError):
    """A step the charge lifecycle does not have (a bug in whoever asked for it)."""


def next_state(current: ChargeState, wanted: ChargeState) -> ChargeState:
    """The one transition function: `wanted` if the lifecycle allows that step from `current`."""
    if wanted not in NEXT[current]:
        raise IllegalTransition(f"{current.name} → {wanted.name}")
    return wanted


class ChargeController(QObject):
    """The charge lifecycle over a CheckoutService (None until payments start) and a TaskRunner."""

    state_changed = Signal(object)  # ChargeState
    payment_prepared = Signal(object)  # PreparedPayment: open the card form for it
    prepare_failed = Signal(object)  # the exception
    abandon_failed = Signal(object)  # the exception
    reconcile_finished = Signal(object)  # ReconcileReport, or the exception
    gateway_seen = Signal(bool, str)  # what a real call just said: healthy?, detail (safe to show)

    def __init__(self, runner: TaskRunner, checkout=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._checkout = checkout
        self._state = S.IDLE if checkout is not None else S.STARTING
        self._reconcile_owed = False

    # -- state ---------------------------------------------------------------------------------

    @property
    def state(self) -> ChargeState:
        return self._state

    @property
    def payments_ready(self) -> bool:
        return self._state not in (S.STARTING, S.UNAVAILABLE)

    @property
    def in_doubt(self) -> bool:
        return self._state in (S.IN_DOUBT, S.RECHECKING)

    @property
    def reconciling(self) -> bool:
        return self._state in (S.RECONCILING, S.RECHECKING)

    def can_charge(self) -> bool:
        """The lifecycle allows a new Charge (the cart may still refuse: empty, in doubt)."""
        return self._state is S.IDLE

    def _go(self, wanted: ChargeState) -> None:
        self._state = next_state(self._state, wanted)
        log.debug("charge state %s", wanted.name)
        self.state_changed.emit(wanted)
        if wanted is S.IDLE and self._reconcile_owed:
            self.reconcile()

    # -- payments starting ---------------------------------------------------------------------

    def payments_started(self, checkout) -> None:
        """core.start_services() has returned: Charge can be taken, an owed reconcile runs."""
        if self.payments_ready:
            return
        self._checkout = checkout
        self._go(S.IDLE)

    def payments_failed(self) -> None:
        if self._state is S.STARTING:
            self._go(S.UNAVAILABLE)

    # -- one sale ------------------------------------------------------------------------------

    def charge(self, amount: int | None = None) -> bool:
        """Prepare the PaymentIntent on the worker (payment_prepared or prepare_failed follows): the
        sale's (what is left of it), or a card part of `amount`."""
        if not self.can_charge():
            return False
        self._go(S.PREPARING)
        checkout = self._checkout
        prepare = checkout.prepare if amount is None else (lambda: checkout.prepare_part(amount))
        self._runner.submit("prepare", prepare, self._on_runner_prepared, self._on_runner_prepare_failed)
        return True

    def take_prepared(self, prepared) -> None:
        """A prepare a manager's PIN approved (the prompt ran it on the worker): on to the card form."""
        if not self.can_charge():
            log.warning("an approved payment arrived while the till was %s", self._state.name)
            return
        self._go(S.PREPARING)
        self._on_runner_prepared(prepared)

    def _on_runner_prepared(self, prepared) -> None:
        self._go(S.CARD_FORM)
        self.gateway_seen.emit(True, "")
        self.payment_prepared.emit(prepared)

    def _on_runner_prepare_failed(self, exc: BaseException) -> None:
        self._go(S.IDLE)
        self.gateway_seen.emit(not isinstance(exc, GatewayUnavailable), str(exc))
        self.prepare_failed.emit(exc)

    def page_state(self, state: str) -> None:
        """The card form's page state: the card is being confirmed, or the form takes one again."""
        confirming = state in CONFIRMING_PAGE_STATES
        if self._state is S.CARD_FORM and confirming:
            self._go(S.CONFIRMING)
        elif self._state is S.CONFIRMING and not confirming and state != "succeeded":
            self._go(S.CARD_FORM)

    def follow(self, dialog) -> None:
        """Hear a PaymentDialog's card states, its recording of the sale and its closing."""
        dialog.page_state_changed.connect(self.page_state)
        dialog.recording_started.connect(self.recording)
        dialog.sale_completed.connect(self.recorded)
        dialog.part_completed.connect(self.recorded)  # a card part is recorded too; the rest is due
        dialog.finalize_failed.connect(self.record_failed)
        dialog.finished.connect(lambda _result: self.card_form_closed(dialog.needs_abandon()))

    def recording(self) -> None:
        """The page reported a payment: finalize() runs on the worker (the dialog's)."""
        self._go(S.RECORDING)

    def recorded(self, _order=None) -> None:
        self._go(S.DONE)

    def record_failed(self, _message: str = "") -> None:
        """finalize() could not confirm the payment: find out with a reconcile, now."""
        self._go(S.RECONCILING)
        self._submit_reconcile()

    def card_form_closed(self, abandon: bool) -> None:
        """The payment dialog closed; with `abandon` no payment went through, so the cart is released."""
        if abandon:
            # Cancelled: unfreeze the cart; the PaymentIntent stays reusable while the cart is unchanged.
            self._runner.submit("abandon", self._checkout.abandon, None, self._on_runner_abandon_failed)
        if self._state in CARD_STATES:
            self._go(S.IDLE)

    def _on_runner_abandon_failed(self, exc: BaseException) -> None:
        self.abandon_failed.emit(exc)

    def close_voided(self) -> None:
        """The cart was voided: cancel its open payments on the worker."""
        if self._checkout is not None:
            self._runner.submit("close-voided", self._checkout.close_voided)

    # -- reconciliation ------------------------------------------------------------------------

    def reconcile(self) -> None:
        """Check payments not in a final state with the gateway; owed while the till is busy or starting."""
        if self._state is S.IDLE:
            self._go(S.RECONCILING)
        elif self._state is S.IN_DOUBT:
            self._go(S.RECHECKING)
        else:
            self._reconcile_owed = not self.reconciling
            return
        self._submit_reconcile()

    def _submit_reconcile(self) -> None:
        self._reconcile_owed = False
        self._runner.submit("reconcile", self._checkout.reconcile, self._on_runner_reconciled,
                            self._on_runner_reconciled)

    def _on_runner_reconciled(self, report) -> None:
        failed = isinstance(report, BaseException)
        in_doubt = failed or report.in_doubt
        self._go(S.IN_DOUBT if in_doubt else S.IDLE)
        self.gateway_seen.emit(not in_doubt, str(report) if failed else report.error or "")
        self.reconcile_finished.emit(report)


def error_text(context: str, exc: BaseException) -> str:
    """What the cashier reads about a failed call: its own words if it has some safe to show."""
    if isinstance(exc, UserFacingError):
        return f"{context}: {exc}"
    return _("{context}: an unexpected error happened (see the log).").format(context=context)


def sale_paid_text(number: str, amount: str) -> str:
    """The till's message after a card sale: 'Sale 0042 paid: $12.00'."""
    return _("Sale {number} paid: {amount}").format(number=number, amount=amount)


def reconcile_message(report) -> tuple[str, str] | None:
    """(kind, text) for the till's message line after a reconcile (a ReconcileReport or the exception)."""
    if isinstance(report, BaseException):
        return "error", error_text(_("Unfinished payments could not be checked"), report)
    if report.error:
        return "error", report.error
    if report.review:
        count = len(report.review)
        return "error", ngettext(
            "{count} payment(s) went through but are no sale (paid with another amount, or after the cart was "
            "cleared): a manager refunds them from History → Review list. Selling goes on.",
            "{count} payment(s) went through but are no sale (paid with another amount, or after the cart was "
            "cleared): a manager refunds them from History → Review list. Selling goes on.", count).format(count=count)
    if report.finalized:
        count = len(report.finalized)
        return "info", ngettext("Recovered {count} paid sale(s) that had not been recorded.",
                                "Recovered {count} paid sale(s) that had not been recorded.", count).format(count=count)
    return None
