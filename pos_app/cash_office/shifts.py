"""ShiftService: open a shift with a float, paid in / paid out / drops, the X report, and the blind close (Z).

The close is a blind count: `start_count()` hands out a BlindCount that knows the shift but no
expected amount, and while a count is under way the X report is refused, so the cashier types what
is in the drawer before the till has said what should be there. The count under way is the
shift's row (shifts.count_started_at), not this object's memory: a restarted till, the endpoint
and the command line see it too, and while it is set no cash moves (the store refuses it).
`count_under_way()` takes a count up again after a restart. `BlindCount.close(counted)` works
out the Z in the same transaction that closes the shift and stores it (shifts.report); the schema
refuses any change to a closed shift. The drawer opens (and the opening is recorded) for the float,
every paid in / paid out / drop and the count, after the cash row has committed, so a slow printer
never holds the database.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import replace

from pos_app.cash_office.report import X, Z, ShiftActivity, ShiftReport, build_shift_report
from pos_app.devices import CashDrawer
from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.money import Money, MoneyError
from pos_app.domain.people import Permission, PermissionGate
from pos_app.errors import CountUnderWay, NoOpenShift, UserFacingError
from pos_app.i18n import N_, _
from pos_app.store import Store
from pos_app.store.cash_office import CashRecord, DrawerReason, Shift

MAX_REASON = 200  # characters: a line on the report, not an essay
FAR_FUTURE = 2 ** 62


NO_SHIFT = N_("no shift is open on this till: open one with its float first")


class ShiftRefused(UserFacingError):
    """A cash-office step that can't be taken as asked (a bad amount or reason); nothing changed."""


class ShiftAlreadyOpen(ShiftRefused):
    """The till already has an open shift: close it before opening another."""


class ShiftNotFound(ShiftRefused):
    """No shift with that number on this till."""


class ShiftService:
    """The cash office of one till (`terminal_id`), selling in `currency`."""

    def __init__(self, store: Store, drawer: CashDrawer, terminal_id: str, currency: str, *,
                 session: PermissionGate | None = None) -> None:
        """`session` (the till's) makes the close a manager's action; none (the command line's
        `pos-app shift close`, run by whoever holds the machine's account): no staff check."""
        self._store = store
        self._gate = session
        self._drawer = drawer
        self.terminal_id = terminal_id
        self.currency = currency
        self._lock = threading.Lock()
        # The counts this service (this process) is taking, by shift id: a count given up front
        # (close()) waits for one of these, and joins one left by a till that stopped.
        self._taking: set[int] = set()

    # -- reading -------------------------------------------------------------------------------

    def current(self) -> Shift | None:
        """The till's open shift, if any."""
        return self._store.shifts.current(self.terminal_id)

    def require_open(self) -> Shift:
        """The open shift; NoOpenShift if there is none (a till sells only within an open shift)."""
        return self._store.shifts.require_open(self.terminal_id, _(NO_SHIFT))

    def all(self) -> list[Shift]:
        return self._store.shifts.all(self.terminal_id)

    @property
    def counting(self) -> bool:
        """A blind count of the open shift is under way (started here, or by any other process)."""
        shift = self.current()
        return shift is not None and shift.counting

    # -- the shift's steps ---------------------------------------------------------------------

    def open(self, float_amount: Money) -> Shift:
        """Open a shift with the float counted into the drawer (0 allowed); ShiftAlreadyOpen if one is."""
        amount = self._amount(float_amount, "the float", allow_zero=True)
        with self._store.unit_of_work() as work:
            already = work.shifts.current(self.terminal_id)
            if already is not None:
                raise ShiftAlreadyOpen(_("shift {number} is already open on {terminal_id}: close it first").format(
                    number=already.number, terminal_id=self.terminal_id))
            shift = work.shifts.open(self.terminal_id, amount, self.currency)
        self._drawer.open(DrawerReason.FLOAT, shift_id=shift.id)
        return shift

    def paid_in(self, amount: Money, reason: str) -> CashRecord:
        """Cash put into the drawer (e.g. more change from the safe), with its reason."""
        return self._move(CashKind.PAID_IN, amount, _reason(reason, required=True), DrawerReason.PAID_IN)

    def paid_out(self, amount: Money, reason: str) -> CashRecord:
        """Cash taken out for an expense (e.g. the window cleaner), with its reason."""
        return self._move(CashKind.PAID_OUT, amount, _reason(reason, required=True), DrawerReason.PAID_OUT)

    def drop(self, amount: Money, reason: str = "") -> CashRecord:
        """Cash taken from the drawer to the safe during the shift."""
        return self._move(CashKind.DROP, amount, _reason(reason, required=False), DrawerReason.DROP)

    def _move(self, kind: CashKind, amount: Money, reason: str, opening: DrawerReason) -> CashRecord:
        movement = CashMovement(kind, self._amount(amount, f"the {kind.replace('_', ' ')}"))
        with self._store.unit_of_work() as work:
            shift = work.shifts.require_open(self.terminal_id, _(NO_SHIFT))
            record = work.cash.record(shift.id, movement, self.currency, reason=reason)
        self._drawer.open(opening, shift_id=shift.id)
        return record

    # -- reports -------------------------------------------------------------------------------

    def x_report(self) -> ShiftReport:
        """The open shift's figures so far (nothing closes); refused while a blind count is under way."""
        shift = self._store.shifts.require_open(self.terminal_id, _(NO_SHIFT), while_counting=True)
        if shift.counting:
            raise CountUnderWay(_("a blind count of shift {number} is under way: give the count first, the report "
                                  "follows it").format(number=shift.number))
        return build_shift_report(self._activity(shift), kind=X)

    def report(self, number: int) -> ShiftReport:
        """Shift `number`'s report: its Z if it closed, else an X (refused during a blind count)."""
        shift = self._store.shifts.by_number(self.terminal_id, number)
        if shift is None:
            raise ShiftNotFound(_("{terminal_id} has no shift {number}").format(
                terminal_id=self.terminal_id, number=number))
        if shift.open:
            return self.x_report()
        return stored_z(shift)

    def last_closed(self) -> ShiftReport | None:
        closed = [s for s in self.all() if not s.open]
        return stored_z(closed[-1]) if closed else None

    # -- the close -----------------------------------------------------------------------------

    def start_count(self, *, manager_pin: str | None = None) -> BlindCount:
        """Begin the blind count of the open shift: the drawer opens, the expected cash stays hidden.
        Closing a shift is a manager's action: `manager_pin` approves a cashier's."""
        self._require_close(manager_pin)
        return self._start_count()

    def _require_close(self, manager_pin: str | None) -> None:
        # No open shift: nothing to approve; the step itself says so (NoOpenShift).
        if self._gate is not None and self.current() is not None:
            self._gate.require(Permission.CLOSE_SHIFT, manager_pin=manager_pin)

    def _start_count(self) -> BlindCount:
        with self._lock, self._store.unit_of_work() as work:
            shift = work.shifts.require_open(self.terminal_id, _(NO_SHIFT), while_counting=True)
            counting = work.shifts.begin_count(shift.id)
            if counting is None:
                raise CountUnderWay(_("a blind count of shift {number} is already under way: give the count, or "
                                      "cancel it, first").format(number=shift.number))
            self._taking.add(shift.id)
        self._drawer.open(DrawerReason.COUNT, shift_id=shift.id)
        return BlindCount(self, counting)

    def count_under_way(self) -> BlindCount | None:
        """The open shift's count under way (e.g. a till restarted mid-count), taken up here; else None."""
        with self._lock:
            shift = self.current()
            if shift is None or not shift.counting:
                return None
            self._taking.add(shift.id)
        return BlindCount(self, shift)

    def close(self, counted: Money, *, manager_pin: str | None = None) -> ShiftReport:
        """Count and close at once (the count is given up front, so it is blind): the Z. A count
        this till is taking (its dialog's) is refused; one left by a till that stopped is joined.
        A manager's action, as start_count."""
        self._require_close(manager_pin)
        with self._lock:
            shift = self.current()
            left = shift is not None and shift.counting and shift.id not in self._taking
        count = self.count_under_way() if left else self._start_count()
        if count is None:  # cancelled meanwhile: count afresh
            count = self._start_count()
        return count.close(counted)

    def _close(self, shift: Shift, counted: Money) -> ShiftReport:
        amount = self._amount(counted, "the counted cash", allow_zero=True)
        closed_at = int(time.time())
        with self._store.unit_of_work() as work:
            current = work.shifts.current(self.terminal_id)
            if current is None or current.id != shift.id:
                raise NoOpenShift(self.terminal_id, f"shift {shift.number} is no longer open")
            if current.count_started_at != shift.count_started_at:  # the drawer may have changed since
                raise CountUnderWay(_("the count of shift {number} was cancelled: start the count again").format(
                    number=shift.number))
            report = build_shift_report(self._activity(current), kind=Z, counted_cash=amount, closed_at=closed_at)
            closed = work.shifts.close(shift.id, amount, report.to_json())
        return stored_z(closed)  # as stored: with the journal entry its close was written as

    def _end_count(self, shift: Shift, *, cancel: bool) -> None:
        with self._lock:
            self._taking.discard(shift.id)
            if cancel and shift.count_started_at is not None:
                self._store.shifts.end_count(shift.id, shift.count_started_at)

    # -- helpers -------------------------------------------------------------------------------

    def _amount(self, money: Money, what: str, *, allow_zero: bool = False) -> int:
        if not isinstance(money, Money):
            raise TypeError(f"{what} is Money, not {type(money).__name__}")
        if money.currency != self.currency:
            raise MoneyError(_("{what} is in {upper}; this till counts {upper2}").format(
                what=what, upper=money.currency.upper(), upper2=self.currency.upper()))
        if money.amount < 0 or (money.amount == 0 and not allow_zero):
            raise ShiftRefused(_("{what} must be {value}, not {money}").format(
                what=what, value='zero or more' if allow_zero else 'more than zero', money=money))
        return money.amount

    def _activity(self, shift: Shift) -> ShiftActivity:
        """The shift's rows. Inside a unit of work these reads are its transaction's (a consistent Z)."""
        previous = self._store.shifts.by_number(self.terminal_id, shift.number - 1) if shift.number > 1 else None
        before = stored_z(previous) if previous is not None and not previous.open else None
        after_order = before.last_order_id if before else 0
        after_refund = before.last_refund_id if before else 0
        # Only this till's: on a shop's shared database the other tills sell meanwhile.
        sold = [o for o in self._store.orders.of_terminal_between(self.terminal_id, shift.opened_at, FAR_FUTURE)
                if o.id is not None and o.id > after_order]
        orders = [(o.id or 0, o.total) for o in sold]
        # A refund out of the drawer (a cash tender's, or a card sale refunded in cash) is a cash movement:
        # its refund row, done without the card processor (no refund id), is not a card refund too.
        refunds = [(r.id, r.amount, r.status) for r in self._store.orders.refunds_of_shift(shift.id, shift.opened_at,
                                                                                            after_refund)
                   if not r.out_of_drawer]
        tenders = self._store.tenders.for_orders([order_id for order_id, _total in orders])
        tips = [t.tip for paid in tenders.values() for t in paid if t.paid and t.tip]
        return ShiftActivity(shift, self._store.cash.for_shift(shift.id), orders, refunds, after_order, after_refund,
                             [o.discount for o in sold if o.discount], tips)


class BlindCount:
    """A count under way: it knows which shift, never what the drawer should hold."""

    def __init__(self, service: ShiftService, shift: Shift) -> None:
        self._service = service
        self._shift = shift
        self.shift_number = shift.number
        self.currency = shift.currency

    def close(self, counted: Money) -> ShiftReport:
        """Close the shift with what was counted: the Z (expected, counted, over/short). A count
        that is no amount (negative, another currency) is refused and the count goes on."""
        self._service._amount(counted, "the counted cash", allow_zero=True)
        try:
            return self._service._close(self._shift, counted)
        finally:
            self._service._end_count(self._shift, cancel=False)

    def cancel(self) -> None:
        """Give up the count; the shift stays open and takes cash again. The drawer's opening for
        the count stays recorded (`count`); cancelling opens nothing."""
        self._service._end_count(self._shift, cancel=True)


def stored_z(shift: Shift) -> ShiftReport:
    """The Z report a closed shift stored when it closed."""
    if shift.report is None or shift.closed_at is None:
        raise ShiftNotFound(_("shift {number} has not closed: it has no Z report").format(number=shift.number))
    return replace(ShiftReport.from_json(shift.report), closed_at=shift.closed_at)


def _reason(text: object, *, required: bool) -> str:
    if not isinstance(text, str):
        raise ShiftRefused(_("the reason must be text"))
    reason = " ".join(text.split())
    if required and not reason:
        raise ShiftRefused(_("give a reason (what the cash is for)"))
    if len(reason) > MAX_REASON:
        raise ShiftRefused(_("the reason is {count} characters long: at most {MAX_REASON}").format(
            count=len(reason), MAX_REASON=MAX_REASON))
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in reason):
        raise ShiftRefused(_("the reason holds control characters"))
    return reason
