"""Imports the old whole-file JSON state (`sandbox.json`, format 1) into the SQLite database once."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_app.sandbox.state import SandboxState

log = logging.getLogger(__name__)


def import_legacy_file(state: SandboxState, db: sqlite3.Connection, legacy: Path) -> None:
    """Copy every object, saved idempotent response and the fingerprint salt, in one transaction,
    then rename the file `<name>.migrated` (kept, never read again). An unreadable file is set
    aside as `<name>.unreadable-<time>` rather than lost."""
    from pos_app.sandbox.state import KINDS, LEGACY_FORMAT_VERSION
    try:
        data = json.loads(legacy.read_text(encoding="utf-8"))
        if data.get("version") != LEGACY_FORMAT_VERSION:
            raise ValueError(f"unknown format version {data.get('version')!r}")
        objects = {kind: dict(data["objects"].get(kind, {})) for kind in KINDS}
        salt = str(data["fingerprint_salt"])
        keys = dict(data.get("idempotency_keys", {}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        aside = legacy.with_name(f"{legacy.name}.unreadable-{int(time.time())}")
        os.replace(legacy, aside)
        log.warning("sandbox state %s unreadable (%s); moved to %s, starting empty",
                    legacy, exc, aside)
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('fingerprint_salt', ?)",
                   (salt,))
        for kind, records in objects.items():
            for record in records.values():
                db.execute(
                    "INSERT OR REPLACE INTO objects (kind, id, seq, created, payment_intent, charge,"
                    " data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (kind, record["id"], record["_seq"], record["created"],
                     record.get("payment_intent") if kind != "payment_intent" else None,
                     record.get("charge") if kind == "refund" else None, json.dumps(record)))
                for key, value in (record.get("metadata") or {}).items():
                    db.execute("INSERT OR REPLACE INTO metadata VALUES (?, ?, ?, ?)",
                               (kind, record["id"], key, value))
        for key, saved in keys.items():
            db.execute("INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                       (key, saved["endpoint"], saved["params"], saved["status"], saved["body"],
                        saved["created"]))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    os.replace(legacy, legacy.with_name(f"{legacy.name}.migrated"))
    log.info("sandbox state %s imported into %s", legacy, state.path)
