"""The sandbox's own API keys: a random secret and publishable key per data folder, and restricted keys.

Like a Stripe account's keys, they are made once (on the first start with a data folder) and kept
in its database; an in-memory sandbox makes fresh ones. Only these keys open the sandbox, so a key
guessed or copied from the project's source does nothing. Restricted keys (`rk_test_…`) carry
per-resource permissions (`none`, `read`, `write`; write includes read), as in Stripe's
Dashboard, and are refused with Stripe's 403 where a permission is missing.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pos_app.sandbox.errors import invalid_request

if TYPE_CHECKING:
    from pos_app.sandbox.state import SandboxState

#: Resource name (as a restricted key's permission is given) -> the object in Stripe's
#: permission name (rak_<object>_read / rak_<object>_write).
RESOURCES = {
    "payment_intents": "payment_intent",
    "payment_methods": "payment_method",
    "charges": "charge",
    "refunds": "refund",
    "balance_transactions": "balance_transaction",
    "terminal_readers": "terminal_reader",
    "terminal_locations": "terminal_location",
}
LEVELS = ("none", "read", "write")
#: A fake account id, for Stripe's 403 message.
ACCOUNT = "acct_sandbox"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the kind of key and, for a restricted key, what it may do."""

    kind: str                                   # "secret" | "publishable" | "restricted"
    key: str = field(repr=False)
    permissions: dict[str, str] = field(default_factory=dict)

    @property
    def publishable(self) -> bool:
        return self.kind == "publishable"

    def allows(self, resource: str, write: bool) -> bool:
        if self.kind != "restricted":
            return True
        level = self.permissions.get(resource, "none")
        return level == "write" or (level == "read" and not write)


class ApiKeys:
    def __init__(self, state: SandboxState, given: tuple[str, str] | None = None) -> None:
        from pos_app.sandbox.state import random_token
        self._state = state
        secret, publishable = given or (f"sk_test_{random_token(99)}", f"pk_test_{random_token(99)}")
        if not (secret.startswith("sk_test_") and publishable.startswith("pk_test_")):
            raise ValueError("sandbox keys are sk_test_… and pk_test_…")
        self.secret = state.meta_default("secret_key", lambda: secret)
        self.publishable = state.meta_default("publishable_key", lambda: publishable)

    def identify(self, key: str) -> Caller | None:
        """The caller a key stands for, or None if it is not one of this sandbox's keys."""
        if hmac.compare_digest(key.encode(), self.secret.encode()):
            return Caller("secret", key)
        if hmac.compare_digest(key.encode(), self.publishable.encode()):
            return Caller("publishable", key)
        if key.startswith("rk_test_"):
            row = self._state.query_one("SELECT permissions FROM api_keys WHERE key = ?", (key,))
            if row is not None:
                return Caller("restricted", key, json.loads(row[0]))
        return None

    def create_restricted(self, permissions: dict[str, str]) -> str:
        """A new restricted key with these permissions (resources left out get `none`)."""
        from pos_app.sandbox.state import random_token
        for resource, level in permissions.items():
            if resource not in RESOURCES:
                raise invalid_request(f"Unknown resource for a restricted key: {resource}. Use "
                                      f"one of {', '.join(RESOURCES)}.",
                                      param=f"permissions[{resource}]")
            if level not in LEVELS:
                raise invalid_request(f"Invalid permission {level}: must be one of "
                                      f"{', '.join(LEVELS)}.", param=f"permissions[{resource}]")
        key = f"rk_test_{random_token(99)}"
        with self._state.transaction():
            self._state.execute("INSERT INTO api_keys (key, kind, permissions, created) "
                                "VALUES (?, 'restricted', ?, ?)",
                                (key, json.dumps(permissions, sort_keys=True), self._state.now()))
        return key


def permission_name(resource: str, write: bool) -> str:
    return f"rak_{RESOURCES[resource]}_{'write' if write else 'read'}"
