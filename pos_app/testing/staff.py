"""The demo users' PINs and a log-in for tests that work a till without its window (no Qt here).

A training till has its demo users from the start (AppCore.open): "Demo Manager" and "Demo
Cashier", PINs in the README. A test that sells through an AppCore (its services, or its HTTP
endpoint) logs one in first, as a person at the till would: `log_in(core.open(), "manager")`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.staff.service import DEMO_USERS

if TYPE_CHECKING:
    from pos_app.contexts import LocalContext
    from pos_app.store import User

#: {"manager": "1234", "cashier": "0000"}: the demo users' PINs, by role.
DEMO_PINS: dict[str, str] = {role.value: pin for _name, role, pin in DEMO_USERS}


def log_in(local: LocalContext, role: str | None = "manager") -> User | None:
    """Log the demo user of `role` in at the till of `local` (None: log whoever is there out)."""
    if role is None:
        local.session.logout()
        return None
    if role not in DEMO_PINS:
        raise ValueError(f"the demo users are {', '.join(DEMO_PINS)}, not {role!r}")
    return local.session.login(DEMO_PINS[role])
