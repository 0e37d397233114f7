"""The shop's PostgreSQL database (issue 19, in progress): the Database interface of db.py over psycopg 3.

What a repository sees is the same on both backends: `db.transaction()` yields a connection
whose `execute(sql, params)` takes the store's SQL with `?` placeholders and answers rows that are
read by index or by column name (as sqlite3.Row); `query`, `query_one` and `count` outside one.
- Placeholders are translated once per statement text (cached): `?` -> `%s`, and a literal `%`
  -> `%%`, outside quoted literals only.
- Schema versions are kept in a one-row table (`pos_schema`), PostgreSQL having no user_version;
  a database at a newer version than this pos-app knows is refused, as on SQLite.
- A shop database that can't be reached raises ShopDatabaseUnavailable (a StoreError): the till
  says so and blocks only what needs the database. A lost connection is made again (pg_link.py),
  never inside a transaction (half a change); a COMMIT whose reply was lost is settled there too.
Not yet used by the till: the schema is store/pg_schema.py; the repositories' SQL follows (docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pos_app.i18n import _
from pos_app.store.faults import DamagedDatabase
from pos_app.store.pg_link import PgLink, ShopDatabaseUnavailable, is_lost

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x706F73  # an advisory lock key of our own ("pos"), held while a till migrates


@functools.lru_cache(maxsize=4096)
def sql_for_pg(sql: str) -> str:
    """The store's SQLite-style statement with psycopg's placeholders: `?` -> `%s`, `%` -> `%%`,
    leaving quoted literals ('...' and "...") alone."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


class Row(tuple):  # type: ignore[type-arg]
    """A result row read by index or by column name, like sqlite3.Row."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[object], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._index[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._index)


def _whole_numbers(conn: Any) -> None:
    """numeric results (sum() and avg() of bigint columns) load as int when whole: the store keeps
    money as integers in minor units and never stores a fraction, and Money refuses anything else."""
    from psycopg.types.numeric import NumericLoader

    class WholeNumericLoader(NumericLoader):
        def load(self, data: Any) -> Any:
            value = super().load(data)
            return int(value) if value == value.to_integral_value() else value

    conn.adapters.register_loader("numeric", WholeNumericLoader)


def _row_factory(cursor: Any) -> Any:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class IntegrityError(sqlite3.IntegrityError):
    """A constraint or a guard trigger refused a statement on PostgreSQL: raised as SQLite's
    IntegrityError (with PostgreSQL's message), so a repository catches one type on both backends.
    Unlike SQLite, PostgreSQL has then aborted the whole transaction: nothing more runs in it."""


class PgConnection:
    """What a repository gets inside a transaction: execute() with the store's `?` SQL.

    It runs on the database's current connection (a new one after a reconnect); a statement that
    finds the connection gone raises ShopDatabaseUnavailable."""

    dialect = "postgresql"

    def __init__(self, database: PgDatabase) -> None:
        self._database = database

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        raw = self._database._current()
        with self._as_store_errors(raw):
            return raw.execute(sql_for_pg(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        raw = self._database._current()
        with self._as_store_errors(raw), raw.cursor() as cursor:
            cursor.executemany(sql_for_pg(sql), [tuple(r) for r in rows])

    @contextlib.contextmanager
    def _as_store_errors(self, raw: Any) -> Iterator[None]:
        """A refusal as the store's IntegrityError; a lost connection as ShopDatabaseUnavailable."""
        import psycopg
        try:
            yield
        except psycopg.IntegrityError as exc:
            raise IntegrityError(str(exc.diag.message_primary or exc)) from exc
        except psycopg.OperationalError as exc:
            if is_lost(raw):
                raise self._database.link.lost(exc) from None
            raise

    @property
    def in_transaction(self) -> bool:
        return self._database._depth > 0


class PgDatabase:
    """One psycopg connection to the shop database, migrated, serialized between the till's threads,
    made again when the server went away and is back (pg_link.py)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, migrations: dict[int, str]) -> None:
        """`migrations[n]` brings the schema to version n. The first key is a baseline: the shop
        schema as of that SQLite version (PostgreSQL came later), so both backends number alike."""
        self.url = url
        self.path = _redacted(url)  # what messages name (never the password)
        self.migrations = migrations
        self.known = max(migrations, default=0)
        self.lock = threading.RLock()
        self._depth = 0  # 1 inside transaction(): no reconnect there, or half a change could commit
        self._on_connect: list[Callable[[PgConnection], None]] = []
        self.conn = PgConnection(self)
        self.link = PgLink(url, self.path, self._set_up)
        _whole_numbers(self.link.raw)
        try:
            self._migrate()
        except BaseException:
            self.link.raw.close()  # a refused database is left as it was, and so is the connection
            raise

    @property
    def generation(self) -> int:
        """Goes up when a commit in doubt was settled after a reconnect (CartState reloads then)."""
        return self.link.generation

    @property
    def available(self) -> bool:
        """The last call (or check) reached the server."""
        return self.link.available

    def _set_up(self, raw: Any) -> None:
        """A new connection after a lost one: what the first one had (loaders, on-connect hooks)."""
        _whole_numbers(raw)
        self.link.raw = raw  # the hooks run on it (PgLink.install puts the old one back if they fail)
        for hook in self._on_connect:
            hook(self.conn)

    def _current(self) -> Any:
        """The connection a statement runs on: inside a transaction its own, never a new one."""
        if self._depth:
            return self.link.raw
        return self.link.usable()

    # -- schema ------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.query_one("SELECT version FROM pos_schema")
        return int(row[0]) if row is not None else 0

    def _migrate(self) -> None:
        with self.transaction() as conn:
            # Two tills upgrading at once: the second waits here, then finds the work done
            # (CREATE TABLE IF NOT EXISTS alone races: both may try to create it).
            conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS pos_schema (version integer NOT NULL)")
            row = conn.execute("SELECT version FROM pos_schema").fetchone()
            version = int(row[0]) if row is not None else 0
            if version > self.known:
                raise DamagedDatabase(_("{path} was written by a newer pos-app (schema {version}; this one knows "
                                        "{known}): install the newer pos-app; nothing was changed").format(
                                            path=self.path, version=version, known=self.known))
            if row is None:
                conn.execute("INSERT INTO pos_schema (version) VALUES (0)")
            for number in sorted(n for n in self.migrations if n > version):
                log.info("migrating the shop database to schema %d", number)
                self.link.raw.execute(self.migrations[number])
                conn.execute("UPDATE pos_schema SET version = ?", (number,))

    def on_connect(self, hook: Callable[[PgConnection], None]) -> None:
        """Run hook(conn) now and again on every new connection this database makes (what a
        session holds, such as a till's claim on its terminal id, goes with a lost connection)."""
        with self.lock:
            hook(self.conn)
            self._on_connect.append(hook)

    # -- availability ------------------------------------------------------------------------------

    def subscribe_availability(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """listener(available) when the server goes away or is back (PgLink.subscribe: no store calls in it)."""
        return self.link.subscribe(listener)

    def check(self, *, watcher: bool = True) -> bool:
        """Reach the server now: a new connection if it was lost (made outside the lock, so no call
        waits behind it). A watcher's check: from now on calls never connect themselves. Blocking
        up to pg_link.CONNECT_TIMEOUT_S: off the GUI thread."""
        self.link.watched = self.link.watched or watcher
        if is_lost(self.link.raw):
            raw = self.link.connect_outside_lock()
            if raw is None:
                with self.lock:
                    self.link.mark_down()
                return False
            with self.lock:
                if is_lost(self.link.raw):
                    try:
                        self.link.install(raw)
                    except ShopDatabaseUnavailable:
                        return False
                else:
                    raw.close()
        try:
            self.query_one("SELECT 1")
        except ShopDatabaseUnavailable:
            return False
        return True

    # -- the Database interface ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """BEGIN ... COMMIT (ROLLBACK on any exception); nests by joining the outer one. A lost
        connection: ShopDatabaseUnavailable, the server having rolled it all back."""
        import psycopg
        with self.lock:
            if self._depth:
                yield self.conn
                return
            self._depth = 1
            try:
                raw = self._begin()
                try:
                    yield self.conn
                except BaseException:
                    self._rollback(raw)
                    raise
                self._commit(raw)
            except psycopg.OperationalError:
                raise ShopDatabaseUnavailable() from None
            finally:
                self._depth = 0

    def _begin(self) -> Any:
        """BEGIN on a live connection: one found dead (a restart while the till was idle) is made
        again at once, as BEGIN changed nothing."""
        import psycopg
        raw = self.link.usable()
        try:
            raw.execute("BEGIN")
            return raw
        except psycopg.OperationalError as exc:
            if not is_lost(raw):
                raise
            self.link.lost(exc)
        raw = self.link.usable(stale=True)
        try:
            raw.execute("BEGIN")
            return raw
        except psycopg.OperationalError as exc:
            raise self.link.lost(exc) from None

    def _rollback(self, raw: Any) -> None:
        import psycopg
        if is_lost(raw):
            return  # the server rolled it back when the connection went
        try:
            raw.execute("ROLLBACK")
        except psycopg.OperationalError as exc:
            self.link.lost(exc)

    def _commit(self, raw: Any) -> None:
        """COMMIT; its reply lost: settled by the transaction's id (PgLink.commit_lost)."""
        import psycopg
        row = self.conn.execute("SELECT pg_current_xact_id_if_assigned()::text").fetchone()
        xid = row[0] if row is not None else None  # None: nothing written, nothing to lose
        try:
            raw.execute("COMMIT")
        except psycopg.IntegrityError as exc:  # a deferred constraint: rolled back
            raise IntegrityError(str(exc.diag.message_primary or exc)) from exc
        except psycopg.OperationalError as exc:
            if not is_lost(raw):
                raise
            if xid is None:
                raise self.link.lost(exc) from None
            self.link.commit_lost(xid, exc)

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return list(self._fetch(sql, params, all_rows=True))

    def query_one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        rows = self._fetch(sql, params, all_rows=False)
        return rows[0] if rows else None

    def count(self, sql: str, params: Sequence[object] = ()) -> int:
        row = self.query_one(sql, params)
        return int(row[0]) if row is not None else 0

    def _fetch(self, sql: str, params: Sequence[object], *, all_rows: bool) -> list[Row]:
        import psycopg
        with self.lock:
            try:
                believed_live = not is_lost(self.link.raw)
                try:
                    cursor = self.conn.execute(sql, params)
                except ShopDatabaseUnavailable:
                    if self._depth or not believed_live or not _reads_only(sql):
                        raise
                    self.link.usable(stale=True)  # a SELECT changed nothing: once more on a new connection
                    cursor = self.conn.execute(sql, params)
                if all_rows:
                    return list(cursor.fetchall())
                one = cursor.fetchone()
                return [one] if one is not None else []
            except psycopg.OperationalError:
                raise ShopDatabaseUnavailable() from None

    def close(self) -> None:
        with self.lock:
            if self.link.raw is not None:
                self.link.raw.close()


def _reads_only(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def _redacted(url: str) -> str:
    """postgresql://user:secret@host/db -> postgresql://user@host/db (for messages and logs)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
