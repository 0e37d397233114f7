"""Catalogue import of N rows (a CSV file) against the bare baseline, side by side in one run.

- baseline: the same N rows, already in memory as tuples, into the app's catalogue schema with its
  FTS triggers dropped: one sqlite3 executemany, then an FTS5 'rebuild' of both indexes (trigram
  and word), one transaction. No CSV reading, no checks: the floor of what an import can cost.
- first import: `CatalogueStore.import_csv` of the CSV into a fresh till (read, decode, check every
  row, compare, write in one transaction of the catalogue's own file, keeping the FTS indexes set-wise).
- re-import of the unchanged file, and of the file with 1% of its prices changed.
- the till meanwhile: another process (as the till is) writes a cart change every 5 ms during the
  first import; its wait per write is what a cashier would feel.
Runs are interleaved (baseline, import, re-imports, then again) so drift hits both sides alike.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

from benchmarks.catalogue import rows
from benchmarks.stats import now_ms, paired_ratio, summary

FRAME_MS = 16.0  # the longest the till may wait for a cart write during an import (issue 13)
TRIGGERS = ("items_ai", "items_ad", "items_au", "items_words_ai", "items_words_ad", "items_words_au")


def write_csv(path: Path, n: int, changed_every: int = 0) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("sku,name,price,category,barcode,tax_rate\n")
        for i, (sku, name, price, _cur, category, barcode, tax_bp) in enumerate(rows(n)):
            if changed_every and i % changed_every == 0:
                price += 1
            out.write(f"{sku},{name},{Decimal(price).scaleb(-2)},{category},{barcode},{Decimal(tax_bp).scaleb(-2)}\n")


def _fresh_db(folder: Path) -> Path:
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store

    path = Path(tempfile.mkdtemp(dir=folder)) / "pos.sqlite3"
    open_store(path, PricingPolicy()).close()  # the app's two files, schemas and migrations, empty
    return path


def baseline_once(folder: Path, data: list[tuple]) -> float:
    from pos_app.store.catalogue_db import catalogue_path

    path = _fresh_db(folder)
    conn = sqlite3.connect(catalogue_path(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    start = now_ms()
    conn.execute("BEGIN")
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.executemany("INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)", data)
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO items_words (items_words) VALUES ('rebuild')")
    conn.execute("COMMIT")
    elapsed = now_ms() - start
    conn.close()
    shutil.rmtree(path.parent)
    return elapsed


TILL_SCRIPT = """
import json, sys, time
from pos_app.store.db import Database
db = Database(sys.argv[1])  # the till's own way to write: its connection and its write turn
waits = []
print("ready", flush=True)
while not sys.stdin.readline().startswith("stop"):
    start = time.perf_counter()
    with db.transaction() as conn:
        conn.execute("UPDATE carts SET updated_at = updated_at + 1")
    waits.append((time.perf_counter() - start) * 1000)
db.close()
print(json.dumps(waits), flush=True)
"""


class TillWrites:
    """A cart change every 5 ms from another process (the running till is one): its wait per write."""

    def __init__(self, path: Path) -> None:
        import subprocess
        import sys

        self._process = subprocess.Popen([sys.executable, "-c", TILL_SCRIPT, str(path)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
        assert self._process.stdout.readline().strip() == "ready"
        self.waits_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def _tick(self) -> None:  # one write asked for every 5 ms (the till process does it and times it)
        while not self._stop.wait(0.005):
            self._process.stdin.write("go\n")
            self._process.stdin.flush()

    def __enter__(self) -> TillWrites:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        import json

        self._stop.set()
        self._thread.join()
        self._process.stdin.write("stop\n")
        self._process.stdin.flush()
        self.waits_ms = json.loads(self._process.stdout.readline())
        self._process.wait()


def import_once(path: Path, csv_file: Path, till: bool = False) -> tuple[float, object, list[float]]:
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store

    store = open_store(path, PricingPolicy())
    waits: list[float] = []
    try:
        if till:
            with TillWrites(path) as writes:
                start = now_ms()
                result = store.catalogue.import_csv(csv_file)
                elapsed = now_ms() - start
            waits = writes.waits_ms
        else:
            start = now_ms()
            result = store.catalogue.import_csv(csv_file)
            elapsed = now_ms() - start
    finally:
        store.close()
    return elapsed, result, waits


def run(n: int, runs: int, work: Path, log=print) -> dict:
    data = list(rows(n))
    csv_file, changed_file = work / f"catalogue-{n}.csv", work / f"catalogue-{n}-1pc.csv"
    write_csv(csv_file, n)
    write_csv(changed_file, n, changed_every=100)
    base, first, again, one_pc, till_waits = [], [], [], [], []
    for i in range(runs):
        base.append(baseline_once(work, data))
        path = _fresh_db(work)
        elapsed, result, waits = import_once(path, csv_file, till=True)
        assert result.added == n, result
        first.append(elapsed)
        till_waits += waits
        elapsed, result, _ = import_once(path, csv_file)
        assert result.changed == 0, result
        again.append(elapsed)
        elapsed, result, _ = import_once(path, changed_file)
        assert result.updated == len(range(0, n, 100)), result
        one_pc.append(elapsed)
        shutil.rmtree(path.parent)
        log(f"   run {i + 1}/{runs}: baseline {base[-1]:.0f} ms, import {first[-1]:.0f} ms, "
            f"unchanged {again[-1]:.0f} ms, 1% changed {one_pc[-1]:.0f} ms")
    ratio, waits = paired_ratio(first, base), summary(till_waits)
    return {"rows": n, "baseline_executemany_fts_rebuild": summary(base), "first_import": summary(first),
            "reimport_unchanged": summary(again), "reimport_1pc_changed": summary(one_pc),
            "ratio_first_import_vs_baseline": ratio,
            "ratio_unchanged_vs_first": paired_ratio(again, first),
            "till_write_wait_during_import": waits,
            "till_writes_over_a_frame": sum(wait >= FRAME_MS for wait in till_waits),
            "target": {"ratio_max": 3.0, "met": bool(ratio.get("median") and ratio["median"] <= 3.0),
                       "till_wait_frame_ms": FRAME_MS, "till_wait_p95_met": bool(waits.get("p95_ms", 1e9) < FRAME_MS),
                       "till_wait_max_met": bool(waits.get("max_ms", 1e9) < FRAME_MS)}}
