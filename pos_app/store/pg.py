"""The shop's PostgreSQL database (issue 19, in progress): the Database interface of db.py over psycopg 3.

What a repository sees is the same on both backends: `db.transaction()` yields a connection
whose `execute(sql, params)` takes the store's SQL with `?` placeholders and answers rows that are
read by index or by column name (as sqlite3.Row); `query`, `query_one` and `count` outside one.
- Placeholders are translated once per statement text (cached): `?` -> `%s`, and a literal `%`
  -> `%%`, outside quoted literals only.
- Schema versions are kept in a one-row table (`pos_schema`), PostgreSQL having no user_version;
  a database at a newer version than this pos-app knows is refused, as on SQLite.
- A shop database that can't be reached raises ShopDatabaseUnavailable (a StoreError): the till
  says so and blocks only what needs the database.
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
from pos_app.store.faults import DamagedDatabase, StoreError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
MIGRATION_LOCK = 0x706F73  # an advisory lock key of our own ("pos"), held while a till migrates


class ShopDatabaseUnavailable(StoreError):
    """The shop's PostgreSQL server can't be reached (down, network, refused log-in)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("The shop database can't be reached: sales that need it wait "
                                      "until it is back; nothing acknowledged is lost."))


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
    """What a repository gets inside a transaction: execute() with the store's `?` SQL."""

    dialect = "postgresql"

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        import psycopg
        try:
            return self._conn.execute(sql_for_pg(sql), tuple(params))
        except psycopg.IntegrityError as exc:
            raise IntegrityError(str(exc.diag.message_primary or exc)) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        import psycopg
        try:
            with self._conn.cursor() as cursor:
                cursor.executemany(sql_for_pg(sql), [tuple(r) for r in rows])
        except psycopg.IntegrityError as exc:
            raise IntegrityError(str(exc.diag.message_primary or exc)) from exc

    @property
    def in_transaction(self) -> bool:
        import psycopg
        return bool(self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)


class PgDatabase:
    """One psycopg connection to the shop database, migrated, serialized between the till's threads."""

    dialect = "postgresql"

    def __init__(self, url: str, *, migrations: dict[int, str]) -> None:
        """`migrations[n]` brings the schema to version n. The first key is a baseline: the shop
        schema as of that SQLite version (PostgreSQL came later), so both backends number alike."""
        import psycopg
        self.url = url
        self.path = _redacted(url)  # what messages name (never the password)
        self.migrations = migrations
        self.known = max(migrations, default=0)
        self.lock = threading.RLock()
        try:
            self._raw = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                        row_factory=_row_factory)
        except psycopg.OperationalError:
            log.warning("the shop database %s can't be reached", self.path)
            raise ShopDatabaseUnavailable() from None
        _whole_numbers(self._raw)
        self.conn = PgConnection(self._raw)
        self._on_connect: list[Callable[[PgConnection], None]] = []
        try:
            self._migrate()
        except BaseException:
            self._raw.close()  # a refused database is left as it was, and so is the connection
            raise

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
                self._raw.execute(self.migrations[number])
                conn.execute("UPDATE pos_schema SET version = ?", (number,))

    def on_connect(self, hook: Callable[[PgConnection], None]) -> None:
        """Run hook(conn) now and again on every new connection this database makes (what a
        session holds, such as a till's claim on its terminal id, goes with a lost connection)."""
        with self.lock:
            hook(self.conn)
            self._on_connect.append(hook)

    # -- the Database interface ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """BEGIN ... COMMIT (ROLLBACK on any exception); nests by joining the outer one."""
        import psycopg
        with self.lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                with self._raw.transaction():
                    yield self.conn
            except psycopg.OperationalError:
                raise ShopDatabaseUnavailable() from None

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
                cursor = self.conn.execute(sql, params)
                if all_rows:
                    return list(cursor.fetchall())
                one = cursor.fetchone()
                return [one] if one is not None else []
            except psycopg.OperationalError:
                raise ShopDatabaseUnavailable() from None

    def close(self) -> None:
        with self.lock:
            self._raw.close()


def _redacted(url: str) -> str:
    """postgresql://user:secret@host/db -> postgresql://user@host/db (for messages and logs)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
