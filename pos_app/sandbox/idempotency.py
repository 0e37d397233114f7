"""Idempotency keys as Stripe documents them (API v1).

A POST's Idempotency-Key is claimed when execution begins. The first outcome (status and body,
errors included) is saved and replayed to later requests with the same key and the same endpoint and
parameters; other parameters give 400 idempotency_error; a request whose key is still running gives
409. Requests refused before execution release the key without saving it. Saved keys count as gone
once 24 hours old by the state's clock (and are deleted as later ones are saved). Saved responses
live in the state's database and are written in the request's own transaction.

Running keys have their own lock, apart from the state lock that serialises execution, so a request
waiting for the state still shows its key as in use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.sandbox.errors import idempotency_in_use, idempotency_mismatch, invalid_request

if TYPE_CHECKING:
    from pos_app.sandbox.state import SandboxState

KEY_MAX_LENGTH = 255
KEY_LIFETIME = 24 * 60 * 60


@dataclass
class SavedResponse:
    endpoint: str       # "POST /v1/payment_intents"
    params: str         # canonical JSON of the decoded parameters
    status: int
    body: str
    created: int


class IdempotencyKeys:
    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._lock = threading.Condition()  # notified when a key is claimed
        self._running: set[str] = set()

    @staticmethod
    def check_key(key: str) -> None:
        if len(key) > KEY_MAX_LENGTH:
            raise invalid_request(f"Keys for idempotent requests can only be {KEY_MAX_LENGTH} "
                                  "characters long.", param="Idempotency-Key")

    def claim(self, key: str, endpoint: str, params: str, now: int) -> SavedResponse | None:
        """Return the saved response to replay, or claim the key for this request (None).

        The key is marked running before the saved responses are read (which waits for the
        state), so a second request with it meanwhile gets 409 at once."""
        with self._lock:
            if key in self._running:
                raise idempotency_in_use(key)
            self._running.add(key)
            self._lock.notify_all()
        try:
            saved = self.saved(key, now)
        except BaseException:
            self.release(key)
            raise
        if saved is None:
            return None
        self.release(key)
        if saved.endpoint != endpoint:
            raise idempotency_mismatch(
                "Keys for idempotent requests can only be used for the same endpoint they were "
                f"first used for ('{saved.endpoint}' vs '{endpoint}'). Try using a key other than "
                f"'{key}' if you meant to execute a different request.")
        if saved.params != params:
            raise idempotency_mismatch(
                "Keys for idempotent requests can only be used with the same parameters they were "
                f"first used with. Try using a key other than '{key}' if you meant to execute a "
                "different request.")
        return saved

    def save(self, key: str, response: SavedResponse) -> None:
        """Store the outcome (inside the request's transaction) and prune expired keys."""
        self._state.execute("DELETE FROM idempotency WHERE created <= ?",
                            (response.created - KEY_LIFETIME,))
        self._state.execute(
            "INSERT OR REPLACE INTO idempotency (key, endpoint, params, status, body, created)"
            " VALUES (?, ?, ?, ?, ?, ?)", (key, response.endpoint, response.params, response.status,
                                           response.body, response.created))

    def release(self, key: str) -> None:
        with self._lock:
            self._running.discard(key)

    def in_use(self, key: str) -> bool:
        with self._lock:
            return key in self._running

    def wait_in_use(self, key: str, timeout: float) -> bool:
        """Block until a request has claimed key (or timeout); True if it has."""
        with self._lock:
            return self._lock.wait_for(lambda: key in self._running, timeout)

    def saved(self, key: str, now: int | None = None) -> SavedResponse | None:
        """The saved outcome for key, unless older than 24 hours by the state's clock."""
        now = self._state.now() if now is None else now
        row = self._state.query_one(
            "SELECT endpoint, params, status, body, created FROM idempotency"
            " WHERE key = ? AND created > ?", (key, now - KEY_LIFETIME))
        return SavedResponse(*row) if row else None
