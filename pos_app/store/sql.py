"""The few statements whose spelling differs between SQLite and PostgreSQL, picked by the backend.

Everything else the repositories write is SQL both understand (`?` placeholders, which pg.py
translates; `INSERT ... RETURNING id`; `ON CONFLICT ... DO UPDATE`; `lower(name)` where SQLite had
COLLATE NOCASE). What is left is here, so a repository never tests which backend it runs on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable


def dialect(db_or_conn: object) -> str:
    """"sqlite" or "postgresql": a Database, a PgDatabase or the connection a transaction yields."""
    return str(getattr(db_or_conn, "dialect", "sqlite"))


def any_of(db_or_conn: object, column: str, values: Iterable[object]) -> tuple[str, object]:
    """(condition, its one parameter): `column` is one of `values`, however many (one statement,
    no limit on the count: a day's report passes a thousand order ids)."""
    listed = list(values)
    if dialect(db_or_conn) == "postgresql":
        return f"{column} = ANY(?)", listed
    return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(listed)


def locking_row(db_or_conn: object) -> str:
    """What ends a SELECT of the one row a transaction goes on to decide by (an order's refunds):
    `FOR UPDATE` on PostgreSQL, whose READ COMMITTED lets two tills read the same row at once and
    both act on it; nothing on SQLite, whose BEGIN IMMEDIATE already holds the whole database."""
    return " FOR UPDATE" if dialect(db_or_conn) == "postgresql" else ""
