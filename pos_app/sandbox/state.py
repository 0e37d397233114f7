"""The sandbox's data: Stripe objects and saved idempotent responses, optionally on disk.

In memory when `path` is None (unit tests). With a path, the whole state is written as JSON after
every mutating transaction, atomically (temp file, fsync, os.replace), and read back on
construction, so training payments survive a restart of the app. All times come from `clock`, so
tests can move time (24 h key expiry, `created` filters).

`lock` serialises execution; `transaction()` holds it and saves once at the end.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import string
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from pos_app.sandbox.idempotency import IdempotencyKeys

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
KINDS = ("payment_intent", "payment_method", "charge", "refund")
_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


class SandboxState:
    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if path is not None else None
        self.clock = clock
        self.lock = threading.RLock()
        self.idempotency = IdempotencyKeys()
        self._objects: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
        self._sequence = 0
        self._depth = 0
        self._dirty = False
        # Salt for card fingerprints: stable for this sandbox, different between sandboxes.
        self.fingerprint_salt = random_token(16)
        if self.path is not None and self.path.exists():
            self._load()

    def now(self) -> int:
        return int(self.clock())

    # --------------------------------------------------------------------------------- objects

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{random_token()}"

    def get(self, kind: str, object_id: str) -> dict | None:
        with self.lock:
            return self._objects[kind].get(object_id)

    def put(self, kind: str, record: dict) -> dict:
        """Store (or mark changed) a record; must run inside transaction()."""
        with self.lock:
            if "_seq" not in record:
                self._sequence += 1
                record["_seq"] = self._sequence
            self._objects[kind][record["id"]] = record
            self._dirty = True
            return record

    def all(self, kind: str) -> list[dict]:
        """Records of a kind, oldest first (creation order)."""
        with self.lock:
            return sorted(self._objects[kind].values(), key=lambda r: r["_seq"])

    def mark_changed(self) -> None:
        with self.lock:
            self._dirty = True

    @contextmanager
    def transaction(self) -> Iterator["SandboxState"]:
        with self.lock:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
                if self._depth == 0 and self._dirty:
                    self._dirty = False
                    self._save()

    # ----------------------------------------------------------------------------- persistence

    def _snapshot(self) -> dict:
        return {"version": FORMAT_VERSION, "sequence": self._sequence,
                "fingerprint_salt": self.fingerprint_salt, "objects": self._objects,
                "idempotency_keys": self.idempotency.to_json()}

    def _save(self) -> None:
        if self.path is None:
            return
        data = json.dumps(self._snapshot(), separators=(",", ":"))
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_directory(directory)

    def _load(self) -> None:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown format version {data.get('version')!r}")
            objects = {kind: dict(data["objects"].get(kind, {})) for kind in KINDS}
            sequence = int(data["sequence"])
            salt = str(data["fingerprint_salt"])
            keys = data.get("idempotency_keys", {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Never silently lose training payments: keep the unreadable file aside for a look.
            aside = self.path.with_name(f"{self.path.name}.unreadable-{int(time.time())}")
            os.replace(self.path, aside)
            log.warning("sandbox state %s unreadable (%s); moved to %s, starting empty",
                        self.path, exc, aside)
            return
        self._objects, self._sequence, self.fingerprint_salt = objects, sequence, salt
        self.idempotency.load_json(keys)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory fds."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
