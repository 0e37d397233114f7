"""PgLink: the shop database's one connection, kept across the server going away and coming back.

A lost connection makes the call that found it fail with ShopDatabaseUnavailable (the server has
rolled back whatever its transaction held); a later call connects again. While the server is
down a call connects again at most every RETRY_AFTER_S, or never when a watcher (the window's
shop-database monitor, off the GUI thread) does it for the till: then a call on the GUI thread
fails at once instead of waiting on a host that doesn't answer. A new connection runs the
database's on-connect hooks before anything else uses it.

A COMMIT whose reply was lost is in doubt: the transaction's id, taken just before, tells on a
new connection whether it committed (pg_xact_status). Committed: the call returns as if the reply
had come. Not committed: it fails, nothing changed. No new connection yet: it fails saying so, and
`generation` goes up once the database is back, so the cart service reloads what the database
really holds (never showing a change as done that isn't, nor losing one that is).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from pos_app.i18n import _
from pos_app.store.faults import StoreError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 2  # libpq's least: a stopped server refuses at once; this bounds a host that doesn't answer
RETRY_AFTER_S = 2.0  # while down, a call (with no watcher) tries again at most this often, else fails at once
# A server that vanished without closing the socket (cable, power) is given up after ~3 s, not TCP's minutes.
TCP_OPTIONS: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
                               "keepalives_count": 2, "tcp_user_timeout": 3000}

Listener = Callable[[bool], None]


class ShopDatabaseUnavailable(StoreError):
    """The shop's PostgreSQL server can't be reached (down, network, refused log-in)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or unavailable_text())


class UnreadableDatabaseUrl(StoreError):
    """libpq can't read POS_DATABASE_URL (config.check_database_url checks it without psycopg, so only this far)."""

    def __init__(self) -> None:
        super().__init__(_("POS_DATABASE_URL is not a URL PostgreSQL can read: check the host, port and "
                           "database name (postgresql://user@host:5432/shop)"))


def unavailable_text() -> str:
    """What the till says while its shop database can't be reached (the window and the HTTP API alike)."""
    return _("The shop database can't be reached: sales that need it wait until it is back; nothing "
             "acknowledged is lost.")


def commit_in_doubt_text() -> str:
    return _("The shop database went away while saving: whether the last change was saved is checked when "
             "it is back, and the till then shows what was saved.")


def is_lost(raw: Any) -> bool:
    """The connection is gone (closed, or broken by the server going away)."""
    return raw is None or bool(raw.closed) or bool(getattr(raw, "broken", False))


class PgLink:
    """The connection of one PgDatabase; every method is called with that database's lock held,
    except connect_outside_lock (a watcher's connect, so no call waits behind it)."""

    def __init__(self, url: str, path: str, on_new: Callable[[Any], None]) -> None:
        self.url, self.path = url, path
        self._on_new = on_new  # the database's set-up of a new connection (loaders, on-connect hooks)
        self.raw: Any = self._open()
        self.available = True
        self.watched = False  # a watcher reconnects: calls never wait on connecting
        self.generation = 0  # goes up when a commit in doubt may have changed what memory holds
        self._doubtful: list[str] = []  # ids of transactions whose COMMIT reply was lost
        self._last_attempt = 0.0
        self._listeners: list[Listener] = []
        self._connect_lock = threading.Lock()

    def _open(self) -> Any:
        try:
            import psycopg
        except ImportError as exc:  # installed without a libpq it can load (config.py only finds the package)
            raise StoreError(_("POS_DATABASE_URL needs psycopg and its libpq: pip install 'pos-app[postgres]' "
                               "({error})").format(error=exc)) from None
        from pos_app.store.pg import _row_factory
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                   row_factory=_row_factory, **TCP_OPTIONS)
        except psycopg.OperationalError as exc:
            log.warning("the shop database %s can't be reached: %s", self.path, str(exc).strip())
            raise ShopDatabaseUnavailable() from None
        except psycopg.ProgrammingError:  # libpq can't read the URL; its text quotes the URL, password and all
            raise UnreadableDatabaseUrl() from None

    # -- availability ----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """listener(available) when the database goes away or comes back. Called with the database's
        lock held, on whichever thread noticed: it must not call the store (a queued signal is fine)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _set_available(self, available: bool) -> None:
        if available == self.available:
            return
        self.available = available
        log.warning("the shop database %s is %s", self.path, "back" if available else "unreachable")
        for listener in list(self._listeners):
            try:
                listener(available)
            except Exception:  # a broken listener must not break the call that noticed
                log.exception("shop database listener failed")

    # -- the connection --------------------------------------------------------------------------

    def usable(self, *, stale: bool = False) -> Any:
        """The connection to run a statement on, connecting again if it was lost (and time allows).
        `stale`: the one we had turned out dead under a statement that changed nothing (BEGIN, a
        SELECT): connect again at once, so the first call after a restart works."""
        if not is_lost(self.raw):
            return self.raw
        if not stale and (self.watched or time.monotonic() - self._last_attempt < RETRY_AFTER_S):
            raise ShopDatabaseUnavailable()
        return self.reconnect()

    def mark_down(self) -> None:
        """A check could not connect: the database is unreachable (said once, to the listeners)."""
        self._set_available(False)

    def lost(self, exc: BaseException) -> ShopDatabaseUnavailable:
        """The connection went away under a statement: the error to raise for it."""
        log.warning("lost the shop database %s: %s", self.path, str(exc).strip())
        if self.raw is not None and not self.raw.closed:
            self.raw.close()
        self._last_attempt = time.monotonic()
        self._set_available(False)
        return ShopDatabaseUnavailable()

    def reconnect(self) -> Any:
        """Connect now (bounded by CONNECT_TIMEOUT_S); ShopDatabaseUnavailable if it can't."""
        self._last_attempt = time.monotonic()
        try:
            raw = self._open()
        except ShopDatabaseUnavailable:
            self._set_available(False)
            raise
        return self.install(raw)

    def connect_outside_lock(self) -> Any | None:
        """A new connection made without the database's lock (a watcher's), or None if it can't be
        made (or another is being made): install() it under the lock."""
        if not self._connect_lock.acquire(blocking=False):
            return None
        try:
            return self._open()
        except ShopDatabaseUnavailable:
            return None
        finally:
            self._connect_lock.release()

    def install(self, raw: Any) -> Any:
        """Use `raw` from now on: set up, hooks run, commits in doubt settled; then available."""
        old = self.raw
        try:
            self._on_new(raw)
            self._settle_doubts(raw)
        except BaseException:
            self.raw = old
            raw.close()
            raise
        self.raw = raw
        if old is not None and old is not raw and not old.closed:
            old.close()
        self._set_available(True)
        return raw

    # -- commits in doubt -----------------------------------------------------------------------

    def commit_lost(self, xid: str, exc: BaseException) -> None:
        """COMMIT's reply was lost: return if it committed after all, else raise ShopDatabaseUnavailable."""
        self.lost(exc)
        try:
            raw = self.reconnect()
        except ShopDatabaseUnavailable:
            self._doubtful.append(xid)
            log.warning("transaction %s in doubt until the shop database is back", xid)
            raise ShopDatabaseUnavailable(commit_in_doubt_text()) from None
        status = _xact_status(raw, xid)
        log.warning("the lost COMMIT of transaction %s: %s", xid, status)
        if status != "committed":
            raise ShopDatabaseUnavailable()

    def _settle_doubts(self, raw: Any) -> None:
        if not self._doubtful:
            return
        for xid in self._doubtful:
            log.warning("transaction %s, in doubt, turned out %s", xid, _xact_status(raw, xid))
        self._doubtful.clear()
        self.generation += 1  # the cart service reloads (whatever the outcome: memory was put back)


def _xact_status(raw: Any, xid: str) -> str:
    row = raw.execute("SELECT pg_xact_status(%s::xid8)", (xid,)).fetchone()
    return str(row[0]) if row is not None and row[0] is not None else "unknown"
