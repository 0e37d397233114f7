"""The cash office's tables: shifts, cash movements and drawer openings (repositories, no rules).

The rules (who may open or close a shift, the blind count, the Z report) live above the store;
these classes only read and write rows, joining a unit of work when one is open, so a cash sale's
movements commit with its order. Closed shifts, movements and openings can't be changed or
deleted: the schema's triggers refuse it (migration 6), whatever code asks.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from dataclasses import dataclass

from pos_app.domain.cash import CashKind, CashMovement
from pos_app.errors import CountUnderWay, NoOpenShift
from pos_app.i18n import _
from pos_app.store.db import Database, now
from pos_app.store.journal import Journal
from pos_app.store.journal_events import cash_event, drawer_event, shift_event

COUNT_TRIGGER_MESSAGE = "blind count under way"  # migration 12's trigger on cash_movements


class DrawerReason(enum.StrEnum):
    """Why the drawer was opened; the values are the stored strings."""

    CASH_SALE = "cash_sale"
    CASH_REFUND = "cash_refund"
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    DROP = "drop"
    NO_SALE = "no_sale"
    FLOAT = "float"  # the float put in when a shift opens
    COUNT = "count"  # the count when a shift closes


@dataclass(frozen=True)
class Shift:
    id: int
    terminal_id: str
    number: int  # 1, 2, … per terminal, never reused
    currency: str
    opened_at: int
    float_amount: int
    closed_at: int | None
    counted_cash: int | None
    report: str | None  # the Z report as written when the shift closed (JSON)
    count_started_at: int | None = None  # a blind count began (while open: it is under way)

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def counting(self) -> bool:
        """A blind count of this open shift is under way (started by any process)."""
        return self.open and self.count_started_at is not None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Shift:
        return cls(row["id"], row["terminal_id"], row["number"], row["currency"], row["opened_at"],
                   row["float_amount"], row["closed_at"], row["counted_cash"], row["report"], row["count_started_at"])


@dataclass(frozen=True)
class CashRecord:
    """A stored cash movement."""

    id: int
    shift_id: int
    movement: CashMovement
    currency: str
    reason: str
    order_id: int | None
    reference: str | None  # e.g. the tender or refund it belongs to
    created_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> CashRecord:
        return cls(row["id"], row["shift_id"], CashMovement(CashKind(row["kind"]), row["amount"]), row["currency"],
                   row["reason"], row["order_id"], row["reference"], row["created_at"])


@dataclass(frozen=True)
class DrawerOpening:
    id: int
    shift_id: int | None
    reason: DrawerReason
    order_id: int | None
    device: str  # the printer that kicked it ('' when none is configured)
    kicked: bool  # the kick reached the device
    created_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> DrawerOpening:
        return cls(row["id"], row["shift_id"], DrawerReason(row["reason"]), row["order_id"], row["device"],
                   bool(row["kicked"]), row["created_at"])


class ShiftBook:
    """The shifts table: one open shift per terminal at most (a unique index says so)."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    def open(self, terminal_id: str, float_amount: int, currency: str) -> Shift:
        """A new open shift, numbered after the terminal's last; sqlite3.IntegrityError if one is open."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT coalesce(max(number), 0) + 1 FROM shifts WHERE terminal_id = ?",
                               (terminal_id,)).fetchone()
            cursor = conn.execute(
                "INSERT INTO shifts (terminal_id, number, currency, opened_at, float_amount) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id", (terminal_id, int(row[0]), currency, now(), float_amount))
            shift_id = int(cursor.fetchone()[0])
            shift = self._existing(shift_id)
            self._journal.append("shift_open", shift_event(shift))
        return shift

    def close(self, shift_id: int, counted_cash: int, report: str) -> Shift:
        """Close the shift with its count and its Z report; a closed shift refuses (trigger). The Z
        keeps the number and hash of the journal's shift_close entry written with it."""
        with self._db.transaction() as conn:
            shift = self._existing(shift_id)
            z = json.loads(report)
            entry = self._journal.append("shift_close", {
                **shift_event(shift), "counted": counted_cash, "expected": z.get("expected_cash"),
                "over_short": z.get("over_short")})
            z.update(journal_seq=entry.seq, journal_hash=entry.hash)
            conn.execute("UPDATE shifts SET closed_at = ?, counted_cash = ?, report = ? WHERE id = ?",
                         (now(), counted_cash, json.dumps(z, sort_keys=True), shift_id))
        return self._existing(shift_id)

    def current(self, terminal_id: str) -> Shift | None:
        """The terminal's open shift, if any."""
        row = self._db.query_one("SELECT * FROM shifts WHERE terminal_id = ? AND closed_at IS NULL", (terminal_id,))
        return Shift.from_row(row) if row else None

    def require_open(self, terminal_id: str, detail: str | None = None, *, while_counting: bool = False) -> Shift:
        """The terminal's open shift; NoOpenShift (with `detail`, if given) when there is none, and
        CountUnderWay while its blind count is under way (the drawer's contents hold still), unless
        `while_counting` (the count's own steps)."""
        shift = self.current(terminal_id)
        if shift is None:
            raise NoOpenShift(terminal_id, detail)
        if shift.counting and not while_counting:
            raise counting_refusal(shift)
        return shift

    def begin_count(self, shift_id: int) -> Shift | None:
        """Mark the open shift's blind count under way; None if it is closed or a count already is."""
        with self._db.transaction() as conn:
            changed = conn.execute("UPDATE shifts SET count_started_at = ? WHERE id = ? AND closed_at IS NULL"
                                   " AND count_started_at IS NULL", (now(), shift_id)).rowcount
        return self.get(shift_id) if changed else None

    def end_count(self, shift_id: int, started_at: int) -> bool:
        """Give up the count that began at `started_at` (the shift stays open); False if it is not under way."""
        with self._db.transaction() as conn:
            return conn.execute("UPDATE shifts SET count_started_at = NULL WHERE id = ? AND closed_at IS NULL"
                                " AND count_started_at = ?", (shift_id, started_at)).rowcount == 1

    def get(self, shift_id: int) -> Shift | None:
        row = self._db.query_one("SELECT * FROM shifts WHERE id = ?", (shift_id,))
        return Shift.from_row(row) if row else None

    def by_number(self, terminal_id: str, number: int) -> Shift | None:
        row = self._db.query_one("SELECT * FROM shifts WHERE terminal_id = ? AND number = ?", (terminal_id, number))
        return Shift.from_row(row) if row else None

    def all(self, terminal_id: str) -> list[Shift]:
        rows = self._db.query("SELECT * FROM shifts WHERE terminal_id = ? ORDER BY number", (terminal_id,))
        return [Shift.from_row(r) for r in rows]

    def of_day(self, start: int, end: int) -> list[Shift]:
        """Every till's shifts open at some time in [start, end) (opened before its end, not closed
        before its start), by till and number: the shop's shifts of a day."""
        rows = self._db.query("SELECT * FROM shifts WHERE opened_at < ? AND (closed_at IS NULL OR closed_at >= ?)"
                              " ORDER BY terminal_id, number", (end, start))
        return [Shift.from_row(r) for r in rows]

    def _existing(self, shift_id: int | None) -> Shift:
        shift = self.get(shift_id) if shift_id is not None else None
        if shift is None:  # just written in a committed transaction: cannot happen
            raise LookupError(f"shift {shift_id} is missing")
        return shift


def counting_refusal(shift: Shift) -> CountUnderWay:
    """What every door says while `shift` is being counted."""
    return CountUnderWay(_("a blind count of shift {number} is under way: the drawer is being counted, so no "
                           "tender, paid in / paid out, drop or cash refund until the count is given or cancelled")
                         .format(number=shift.number))


class CashBook:
    """The cash_movements table (append-only)."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    def record(self, shift_id: int, movement: CashMovement, currency: str, *, reason: str = "",
               order_id: int | None = None, reference: str | None = None) -> CashRecord:
        """The movement, in the open unit of work if any; CountUnderWay while the shift is being counted."""
        with self._db.transaction() as conn:
            # Read first: the refusal names the shift, and PostgreSQL runs nothing more in a
            # transaction once the trigger has refused (it is the guard; this read is not).
            shift = conn.execute("SELECT * FROM shifts WHERE id = ?", (shift_id,)).fetchone()
            try:
                cursor = conn.execute(
                    "INSERT INTO cash_movements (shift_id, kind, amount, currency, reason, order_id, reference,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (shift_id, movement.kind, movement.amount, currency, reason, order_id, reference, now()))
            except sqlite3.IntegrityError as exc:
                if COUNT_TRIGGER_MESSAGE not in str(exc) or shift is None:
                    raise
                raise counting_refusal(Shift.from_row(shift)) from None
            record = CashRecord.from_row(
                conn.execute("SELECT * FROM cash_movements WHERE id = ?", (cursor.fetchone()[0],)).fetchone())
            self._journal.append("cash", cash_event(record))
        return record

    def for_shift(self, shift_id: int) -> list[CashRecord]:
        rows = self._db.query("SELECT * FROM cash_movements WHERE shift_id = ? ORDER BY id", (shift_id,))
        return [CashRecord.from_row(r) for r in rows]


class DrawerLog:
    """The drawer_openings table (append-only): every opening with its reason."""

    def __init__(self, db: Database, journal: Journal) -> None:
        self._db, self._journal = db, journal

    def record(self, reason: DrawerReason, *, shift_id: int | None, order_id: int | None = None, device: str = "",
               kicked: bool) -> DrawerOpening:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO drawer_openings (shift_id, reason, order_id, device, kicked, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id", (shift_id, reason, order_id, device, int(kicked), now()))
            opening = DrawerOpening.from_row(
                conn.execute("SELECT * FROM drawer_openings WHERE id = ?", (cursor.fetchone()[0],)).fetchone())
            self._journal.append("drawer_open", drawer_event(opening))
        return opening

    def for_shift(self, shift_id: int) -> list[DrawerOpening]:
        rows = self._db.query("SELECT * FROM drawer_openings WHERE shift_id = ? ORDER BY id", (shift_id,))
        return [DrawerOpening.from_row(r) for r in rows]

    def all(self, *, limit: int = 500) -> list[DrawerOpening]:
        rows = self._db.query("SELECT * FROM drawer_openings ORDER BY id DESC LIMIT ?", (limit,))
        return [DrawerOpening.from_row(r) for r in reversed(rows)]
