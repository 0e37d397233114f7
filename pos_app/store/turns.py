"""Taking turns to write the till's database between processes (the till, a catalogue import).

SQLite lets one writer in at a time and makes the others retry with growing sleeps (up to 100 ms
each), so a process committing short transactions back to back, as a catalogue import does, keeps
winning: in a benchmark a cart change waited 2.5 s behind an import of 250-item transactions that
each took 40 ms. A write turn is an advisory lock on a file beside the database, held from BEGIN to
COMMIT: a writer waiting for it polls every millisecond and holds a shared lock on <database>.turn-wait
meanwhile; after each of its transactions the import waits until no writer holds that lock (each has
had its turn), so a till that wants to write goes next, and an import nobody waits for never pauses.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

POLL_S = 0.001
#: The longest an import waits after a transaction for the writers already waiting to take their turn.
YIELD_S = 0.005


class TurnBusy(Exception):
    """No turn within the timeout: another process has been writing for that long."""


class WriteTurn:
    """An exclusive flock on <database>.turn, taken and given back around each write transaction."""

    def __init__(self, database: Path, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._fd: int | None = None
        self._waiting_fd: int | None = None
        try:
            self._fd = os.open(database.with_name(database.name + ".turn"), os.O_RDWR | os.O_CREAT, 0o600)
            self._waiting_fd = os.open(database.with_name(database.name + ".turn-wait"),
                                       os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only folder: nothing will be written anyway
            log.debug("no write turn file beside %s: %s", database, exc)
            self.close()

    def __enter__(self) -> WriteTurn:
        if self._fd is None or self._waiting_fd is None:
            return self
        deadline = time.monotonic() + self.timeout_s
        fcntl.flock(self._waiting_fd, fcntl.LOCK_SH)  # "a writer is waiting", until it has the turn
        try:
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return self
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise TurnBusy() from None
                    time.sleep(POLL_S)
        finally:
            fcntl.flock(self._waiting_fd, fcntl.LOCK_UN)

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def let_waiting_writers_in(self, max_s: float = YIELD_S) -> None:
        """After a bulk writer's transaction: return once every writer waiting has had the turn, or max_s."""
        if self._waiting_fd is None:
            return
        deadline = time.monotonic() + max_s
        while True:
            try:
                fcntl.flock(self._waiting_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # only when nobody waits
                fcntl.flock(self._waiting_fd, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return
                time.sleep(POLL_S / 5)

    def close(self) -> None:
        for fd in (self._fd, self._waiting_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._waiting_fd = None


class _NoTurn:
    """For an in-memory database: no other process can write it."""

    def __enter__(self) -> _NoTurn:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def let_waiting_writers_in(self, max_s: float = YIELD_S) -> None:
        pass

    def close(self) -> None:
        pass


NO_TURN = _NoTurn()
