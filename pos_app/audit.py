"""The journal for an auditor: `pos-app journal verify` walks each till's chain, `export` writes it out.

verify exits 1 naming the first entry that was edited, deleted or inserted, else says how many
entries it checked and the head (number and hash) to compare with a copy kept elsewhere; export
writes the entries between two days as JSON lines (one entry's fields a line, the payload as
an object) or CSV (the payload as its canonical JSON), to a file or stdout.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pos_app.config import Settings
from pos_app.domain.journal import JournalEntry, canonical_json
from pos_app.reports import ReportError, _open, days_between
from pos_app.store.journal import Journal

FORMATS = ("jsonl", "csv")
CSV_FIELDS = ["seq", "at", "time_utc", "till", "user", "type", "training", "payload", "prev_hash", "hash"]


def verify_journal(settings: Settings) -> int:
    """Every till's chain in this database; 1 if any is broken."""
    store = _open(settings)
    try:
        tills = store.journal.tills() or [settings.terminal_id]
        broken = 0
        for till in tills:
            verdict = Journal(store.db, till, training=settings.training).verify()
            if verdict.ok:
                head = (f"; head: entry {verdict.head.seq} {verdict.head.hash}" if verdict.head else "")
                print(f"journal of {till}: {verdict.checked:,} entries checked, the chain is whole{head}")
            else:
                broken += 1
                print(f"journal of {till}: entry {verdict.seq} {verdict.problem}: {verdict.detail} "
                      f"({verdict.checked:,} entries before it are whole)")
    finally:
        store.close()
    return 1 if broken else 0


def export_journal(settings: Settings, since: str | None, until: str | None, fmt: str,
                   out: Path | None) -> int:
    """This till's entries from `since` to `until` (days, until included) as JSON lines or CSV."""
    if fmt not in FORMATS:
        raise ReportError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    start, end = days_between(since, until)
    store = _open(settings)
    try:
        entries = store.journal.entries(start, end)
        if out is None:
            count = _write(entries, fmt, sys.stdout)
        else:
            with out.open("w", encoding="utf-8", newline="") as file:
                count = _write(entries, fmt, file)
    finally:
        store.close()
    if out is not None:
        print(f"{count:,} journal entries written to {out}")
    return 0


def _write(entries, fmt: str, file: TextIO) -> int:
    count = 0
    writer = csv.DictWriter(file, CSV_FIELDS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for entry in entries:
        if writer is not None:
            writer.writerow(_csv_row(entry))
        else:
            file.write(json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def _csv_row(entry: JournalEntry) -> dict[str, object]:
    return {"seq": entry.seq, "at": entry.at,
            "time_utc": datetime.fromtimestamp(entry.at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "till": entry.till, "user": entry.user or "", "type": entry.type, "training": int(entry.training),
            "payload": canonical_json(entry.payload), "prev_hash": entry.prev_hash, "hash": entry.hash}
