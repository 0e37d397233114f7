"""`pos-app db upgrade`: bring a till's SQLite file or a shop's PostgreSQL database to this pos-app's schema.

Opening a database migrates it anyway (a till does at start); the command does it on purpose,
before the tills start (a shop upgrades its server once, not each till at its first sale), and
says from which version to which. The version is read first without changing anything, then the
database is opened as a till opens it, so the same refusals apply: a database at a newer schema
is refused with the till's own message and left as it was. Where it names a shop database it
names it without the password (pg._redacted).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SchemaUpgrade:
    """What `db upgrade` did: `where` (the file, or the URL without its password), the till
    schema's version before (0: a new database) and after."""

    where: str
    before: int
    after: int

    @property
    def changed(self) -> bool:
        return self.after != self.before


def upgrade_database(location: Path | str) -> SchemaUpgrade:
    """Migrate the database at `location` (a till's SQLite file or a postgresql:// URL) and its
    catalogue; DamagedDatabase for a newer schema, ShopDatabaseUnavailable for a server out of reach."""
    from pos_app.store import _open_databases, is_database_url
    if is_database_url(location):
        from pos_app.store.pg import _redacted
        where, before = _redacted(str(location)), _pg_version(str(location))
    else:
        where, before = str(location), _sqlite_version(Path(location))
    db, catalogue = _open_databases(location)  # migrates, or refuses a newer schema as a till does
    try:
        after = db.schema_version() if hasattr(db, "schema_version") else len(db.migrations)
    finally:
        catalogue.close()
        db.close()
    return SchemaUpgrade(where, before, after)


def _sqlite_version(path: Path) -> int:
    """The file's schema version, read only (0: no file yet); the open that follows judges the rest."""
    if not path.is_file():
        return 0
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # a damaged or foreign file: opening it says what is wrong with it


def _pg_version(url: str) -> int:
    """pos_schema's version (0: a database no till has migrated yet), read in one short connection."""
    import psycopg

    from pos_app.store.pg_link import CONNECT_TIMEOUT_S, ShopDatabaseUnavailable
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
            found = conn.execute("SELECT to_regclass('pos_schema')").fetchone()
            if found is None or found[0] is None:
                return 0
            row = conn.execute("SELECT version FROM pos_schema").fetchone()
            return int(row[0]) if row is not None else 0
    except psycopg.Error:  # its text may quote the URL, password and all: never shown
        raise ShopDatabaseUnavailable() from None

