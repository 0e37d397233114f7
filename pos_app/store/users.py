"""The staff's tables: users (name, role, PIN hash, active) and each till's run of wrong PINs (no rules).

The rules (who may do what, PIN checks, the lock-out) live in pos_app/staff; these classes only
read and write rows, joining a unit of work when one is open. A user is never deleted (a trigger
refuses it): the journal names them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pos_app.domain.people import Lockout, Role, StaffError
from pos_app.i18n import _
from pos_app.store.db import Database, now


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    pin_hash: str
    active: bool
    demo: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return cls(row["id"], row["name"], Role(row["role"]), row["pin_hash"], bool(row["active"]), bool(row["demo"]))


class UserBook:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, name: str, role: Role, pin_hash: str, *, demo: bool = False) -> User:
        """A new active user; StaffError if the name is taken (in any case)."""
        with self._db.transaction() as conn:
            if conn.execute("SELECT 1 FROM users WHERE lower(name) = lower(?)", (name,)).fetchone():
                raise StaffError(_("there is already a user called {name!r}").format(name=name))
            user_id = int(conn.execute(
                "INSERT INTO users (name, role, pin_hash, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " RETURNING id", (name, role.value, pin_hash, int(demo), now(), now())).fetchone()[0])
        return self._existing(user_id)

    def all(self) -> list[User]:
        # lower(name): SQLite's column sorts NOCASE, PostgreSQL's "C" would put "Zoe" before "anna"
        return [User.from_row(r) for r in self._db.query("SELECT * FROM users ORDER BY active DESC, lower(name)")]

    def active(self) -> list[User]:
        return [User.from_row(r) for r in self._db.query("SELECT * FROM users WHERE active = 1 ORDER BY id")]

    def by_name(self, name: str) -> User | None:
        row = self._db.query_one("SELECT * FROM users WHERE lower(name) = lower(?)", (name,))
        return User.from_row(row) if row else None

    def count_managers(self) -> int:
        return self._db.count("SELECT count(*) FROM users WHERE active = 1 AND role = 'manager'")

    def set_active(self, user_id: int, active: bool) -> User:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET active = ?, updated_at = ? WHERE id = ?", (int(active), now(), user_id))
        return self._existing(user_id)

    def set_pin_hash(self, user_id: int, pin_hash: str) -> User:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET pin_hash = ?, updated_at = ? WHERE id = ?", (pin_hash, now(), user_id))
        return self._existing(user_id)

    def lockout(self, till: str) -> Lockout:
        row = self._db.query_one("SELECT * FROM pin_lockouts WHERE till = ?", (till,))
        return Lockout(row["failures"], row["locked_until"], row["lockouts"]) if row else Lockout()

    def set_lockout(self, till: str, lockout: Lockout) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO pin_lockouts (till, failures, locked_until, lockouts) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (till) DO UPDATE SET failures = excluded.failures, "
                "locked_until = excluded.locked_until, lockouts = excluded.lockouts",
                (till, lockout.failures, lockout.locked_until, lockout.lockouts))

    def _existing(self, user_id: int) -> User:
        row = self._db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:  # written in this same call: cannot happen
            raise LookupError(f"user {user_id} is not stored")
        return User.from_row(row)
