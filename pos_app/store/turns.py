"""Taking turns to write the till's database between processes (the till, a catalogue import).

SQLite lets one writer in at a time and makes the others retry with growing sleeps (up to 100 ms
each), so a process committing short transactions back to back, as a catalogue import does, keeps
winning: in a benchmark a cart change waited 2.5 s behind an import of 250-item transactions that
each took 40 ms. A write turn is an advisory lock on a file beside the database, held from BEGIN to
COMMIT: a writer waiting for it polls every millisecond, and the import pauses a few milliseconds
after each of its transactions, so a till that wants to write gets the next turn.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

POLL_S = 0.001
#: How long an import pauses after each transaction: longer than a waiting writer's poll.
YIELD_S = 0.003


class TurnBusy(Exception):
    """No turn within the timeout: another process has been writing for that long."""


class WriteTurn:
    """An exclusive flock on <database>.turn, taken and given back around each write transaction."""

    def __init__(self, database: Path, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._fd: int | None = None
        try:
            self._fd = os.open(database.with_name(database.name + ".turn"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only folder: nothing will be written anyway
            log.debug("no write turn file beside %s: %s", database, exc)

    def __enter__(self) -> "WriteTurn":
        if self._fd is None:
            return self
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TurnBusy() from None
                time.sleep(POLL_S)

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def yield_turn() -> None:
    """Between two of a bulk writer's transactions: let a waiting writer take the turn."""
    time.sleep(YIELD_S)


class _NoTurn:
    """For an in-memory database: no other process can write it."""

    def __enter__(self) -> "_NoTurn":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def close(self) -> None:
        pass


NO_TURN = _NoTurn()
