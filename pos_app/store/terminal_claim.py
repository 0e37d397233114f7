"""A till's claim on its terminal id in a shop's database: one running till per POS_TERMINAL_ID.

Two tills with one id would share one active cart, one drawer and shift, one receipt series and
one journal chain, and each would finalize or cancel the other's payments at start-up. On a till's
own SQLite file the data folder's lock already makes it one (datalock.py); on a shop's PostgreSQL
database each till holds a session advisory lock on a stable 64-bit key of its id for as long as
it is connected. PostgreSQL drops it with the session, so a till that dies (kill -9 included) leaves
nothing stale, and PgDatabase.on_connect takes it again on every new connection.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.store.sql import dialect

#: Prefixed to the id before hashing, so a terminal's key is no other advisory lock's by accident.
KEY_SALT = "pos-app terminal:"


class TerminalInUse(UserFacingError):
    """Another running till holds this terminal id on the shop's database."""


def terminal_key(till: str) -> int:
    """The advisory lock key of a terminal id: the same on every machine and every run (a signed bigint)."""
    digest = hashlib.blake2b(f"{KEY_SALT}{till}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def claim_terminal(db: Any, till: str) -> None:
    """Claim `till` for this process on a shop's database (nothing on SQLite: the folder lock does it);
    TerminalInUse, before anything is written, if a running till has it."""
    if dialect(db) != "postgresql":
        return
    key = terminal_key(till)

    def claim(conn: Any) -> None:
        if not conn.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
            raise TerminalInUse(_refusal(conn, till, key))

    db.on_connect(claim)


def _refusal(conn: Any, till: str, key: int) -> str:
    since = _holder_since(conn, key)
    if since is None:
        return _("till {till} is already running on this shop's database: give each till its own "
                 "POS_TERMINAL_ID, or stop the other one first; nothing was changed").format(till=till)
    return _("till {till} is already running on this shop's database (connected since {since}): give each "
             "till its own POS_TERMINAL_ID, or stop the other one first; nothing was changed").format(
                 till=till, since=since)


def _holder_since(conn: Any, key: int) -> str | None:
    """When the holder's session began, if this role may see it (pg_stat_activity): to tell the tills apart."""
    row = conn.execute(
        "SELECT a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
        " AND ((l.classid::bigint << 32) | l.objid::bigint) = ?", (key,)).fetchone()
    start = row[0] if row is not None else None
    return start.astimezone().strftime("%Y-%m-%d %H:%M:%S") if isinstance(start, datetime) else None
