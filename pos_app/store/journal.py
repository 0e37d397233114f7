"""Journal: the till's append-only, hash-chained event table (migration 9; the chain is domain/journal.py).

`append` joins the transaction that is open (the unit of work of the change it records), so an
event and its change commit together or not at all; it reads the till's last entry inside that
same BEGIN IMMEDIATE transaction, so two writers can't both chain to it. The triggers refuse any
UPDATE or DELETE. Reading is by till, in stored order, streamed for `verify`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping

from pos_app.domain.journal import JournalEntry, Verdict, canonical_json, make_entry, verify_chain
from pos_app.store.db import Database, now

#: Rows fetched at a time while walking the chain: a year of a busy till never sits in memory at once.
BATCH = 2_000


class Journal:
    """One till's chain in the till's database."""

    def __init__(self, db: Database, till: str, *, training: bool) -> None:
        self._db, self.till, self.training = db, till, training
        self._user_source: Callable[[], str | None] = lambda: None

    def attribute_to(self, user_source: Callable[[], str | None]) -> None:
        """Entries appended without a `user` name whoever `user_source()` says is at the till."""
        self._user_source = user_source

    def append(self, type: str, payload: Mapping[str, object], *, user: str | None = None) -> JournalEntry:
        """Add the event after the till's last entry, in the open transaction (or one of its own)."""
        if user is None:
            user = self._user_source()
        with self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM journal WHERE till = ? ORDER BY id DESC LIMIT 1", (self.till,)).fetchone()
            entry = make_entry(_entry(row) if row else None, at=now(), till=self.till, user=user, type=type,
                               payload=payload, training=self.training)
            conn.execute(
                "INSERT INTO journal (till, seq, at, user_name, type, payload, training, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.till, entry.seq, entry.at, entry.user, entry.type, canonical_json(entry.payload),
                 int(entry.training), entry.prev_hash, entry.hash))
        return entry

    def head(self) -> JournalEntry | None:
        """The till's newest entry."""
        row = self._db.query_one("SELECT * FROM journal WHERE till = ? ORDER BY id DESC LIMIT 1", (self.till,))
        return _entry(row) if row else None

    def entries(self, since: int | None = None, until: int | None = None) -> Iterator[JournalEntry]:
        """The till's entries in order; `since`/`until` (unix seconds, until exclusive) bound their time."""
        last_id = 0
        while True:
            rows = self._db.query(
                "SELECT * FROM journal WHERE till = ? AND id > ? AND at >= ? AND at < ? ORDER BY id LIMIT ?",
                (self.till, last_id, since if since is not None else 0,
                 until if until is not None else 2**62, BATCH))
            yield from (_entry(row) for row in rows)
            if len(rows) < BATCH:
                return
            last_id = rows[-1]["id"]

    def verify(self) -> Verdict:
        """Walk the whole chain (domain/journal.py verify_chain)."""
        return verify_chain(self.entries())

    def tills(self) -> list[str]:
        """Every till with entries in this database (a copy brought from another till, say)."""
        return [row[0] for row in self._db.query("SELECT DISTINCT till FROM journal ORDER BY till")]


def _entry(row: sqlite3.Row) -> JournalEntry:
    try:
        payload = json.loads(row["payload"])
    except ValueError:
        payload = None
    if not isinstance(payload, dict):  # its hash won't match: verify names it as edited
        payload = {"unreadable": row["payload"]}
    return JournalEntry(row["seq"], row["at"], row["till"], row["user_name"], row["type"], payload,
                        bool(row["training"]), row["prev_hash"], row["hash"])
