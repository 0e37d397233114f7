"""The till's database under bad files and failing disks: a damaged, emptied, foreign or newer file is
refused in one line (never replaced by a fresh empty till), a full or read-only disk is a clear error,
and a disk full mid-sale fails that step, loses nothing acknowledged, and selling resumes with space."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from pos_app.store.faults import DamagedDatabase, StorageFull
from pos_app.web.errors import http_status_for
from pos_app.testing.staff import log_in
from tests.integration.store.disks import mount_small_disk, unmount


def cli(*args, data_dir) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", *args, "--env-file", "/nonexistent",
                           "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60, env=env)


def till_with_history(folder, items: int = 300):
    """A real till database with a catalogue and a cart line, closed; returns its path."""
    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    store = open_store(folder / "pos.sqlite3", PricingPolicy())
    store.catalogue.upsert(Item(f"sku{n}", f"Item number {n} " * 3, Money(100 + n, "usd")) for n in range(items))
    store.carts.add("sku1", 2)
    store.close()
    return folder / "pos.sqlite3"


def assert_refused_in_one_line(data_dir, expected: str):
    out = cli("orders", data_dir=data_dir)
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("pos-app: ") and expected in out.stderr, out.stderr


def test_a_zero_byte_database_is_refused_not_taken_for_a_new_till(tmp_path):
    db = tmp_path / "pos.sqlite3"
    db.write_bytes(b"")
    with pytest.raises(DamagedDatabase, match="is empty \\(0 bytes\\)"):
        open_store(db, PricingPolicy(), seed_demo=True)
    assert_refused_in_one_line(tmp_path, "is empty (0 bytes)")
    assert db.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["pos.sqlite3"]


def test_garbage_is_refused_and_left_as_it_was(tmp_path):
    db = tmp_path / "pos.sqlite3"
    garbage = os.urandom(8192)
    db.write_bytes(garbage)
    assert_refused_in_one_line(tmp_path, "is not a till database (not an SQLite file)")
    assert db.read_bytes() == garbage


def test_a_cut_short_database_is_refused(tmp_path):
    db = till_with_history(tmp_path)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    assert_refused_in_one_line(tmp_path, "is cut short")
    assert db.read_bytes() == data[: len(data) // 2]


@pytest.mark.parametrize("file, table", [("pos.sqlite3", "carts"), ("pos-catalogue.sqlite3", "items")])
def test_a_damaged_page_is_refused_in_one_line(tmp_path, file, table):
    """A page of the till's carts or of the catalogue's items (the catalogue's own file) is noise."""
    till_with_history(tmp_path)
    db = tmp_path / file
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * (root - 1):page * root] = os.urandom(page)  # the table's root page, now noise
    db.write_bytes(bytes(data))
    out = cli("orders", data_dir=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.startswith("pos-app: "), out.stderr
    assert out.stderr.count("\n") == 1 and file in out.stderr
    assert db.read_bytes() == bytes(data)


def test_a_newer_schema_is_refused_and_not_touched(tmp_path):
    db = till_with_history(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db.read_bytes()
    assert_refused_in_one_line(tmp_path, "was written by a newer pos-app (schema 99")
    assert db.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    db = tmp_path / "pos.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.close()
    assert_refused_in_one_line(tmp_path, "an SQLite file of another program")
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["photos"]
    conn.close()


def test_the_database_and_its_folder_are_private(tmp_path):
    folder = tmp_path / "till"
    store = open_store(folder / "pos.sqlite3", PricingPolicy(), seed_demo=True)
    store.carts.add("item1")
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for name in ("pos.sqlite3", "pos.sqlite3-wal", "pos.sqlite3-shm"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    finally:
        store.close()


@pytest.fixture
def small_disk(tmp_path):
    disk = mount_small_disk(tmp_path, "4m")
    yield disk
    unmount(disk)


def test_a_read_only_data_folder_is_one_clear_line(small_disk):
    till_with_history(small_disk.path)
    small_disk.read_only()
    assert_refused_in_one_line(small_disk.path, "read-only")
    small_disk.read_only(False)
    with open_store(small_disk.path / "pos.sqlite3", PricingPolicy()) as store:
        assert store.carts.snapshot().lines == {"sku1": 2}


def test_a_full_disk_at_start_is_one_line_and_leaves_no_broken_till(small_disk, tmp_path):
    csv_file = tmp_path / "items.csv"
    csv_file.write_text("sku,name,price\nx,X,1.00\n")
    small_disk.fill()
    out = cli("import-catalogue", str(csv_file), data_dir=small_disk.path / "till")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "is full" in out.stderr, out.stderr
    assert not (small_disk.path / "till" / "pos.sqlite3").exists()  # not a cut-short file for next time
    small_disk.free()
    assert cli("orders", data_dir=small_disk.path / "till").returncode == 2  # no till there yet: said so
    store = open_store(small_disk.path / "till" / "pos.sqlite3", PricingPolicy(), seed_demo=True)
    assert store.catalogue.count() > 0
    store.close()


def test_a_database_a_full_disk_stops_at_creation_leaves_none_of_its_files(small_disk):
    from pos_app.store.db import Database

    small_disk.fill()
    with pytest.raises(StorageFull):
        Database(small_disk.path / "pos.sqlite3")
    assert not list(small_disk.path.glob("pos.sqlite3*"))  # no cut-short file, WAL or turn file for next time


def test_a_full_disk_mid_sale_fails_the_step_keeps_what_was_acknowledged_and_recovers(small_disk):
    path = till_with_history(small_disk.path)
    store = open_store(path, PricingPolicy())
    acknowledged = dict(store.carts.snapshot().lines)
    small_disk.fill()
    failure = None
    for n in range(2, 300):  # the WAL may have room left for a few changes: sell until the disk refuses
        before = store.carts.snapshot()
        try:
            store.carts.add(f"sku{n}", 1)
        except StorageFull as exc:
            failure = exc
            break
        acknowledged[f"sku{n}"] = 1
    assert failure is not None and "is full" in str(failure) and http_status_for(failure) == 507
    after = store.carts.snapshot()
    assert after.lines == acknowledged and after.uuid == before.uuid  # the failed step changed nothing
    small_disk.free()
    store.carts.add("sku299", 1)  # selling resumes once space returns
    acknowledged["sku299"] = 1
    store.close()
    with open_store(path, PricingPolicy()) as reopened:
        assert reopened.carts.snapshot().lines == acknowledged


def test_the_sandbox_state_and_the_certificate_key_are_private(tmp_path):
    from pos_app.config import Settings
    from pos_app.core import AppCore
    from pos_app.web.tls import ensure_certificate
    from tests.integration.reports.sales import sell

    core = AppCore(Settings.load(environ={}, env_file=None).with_(data_dir=tmp_path / "till")).start()
    try:
        log_in(core.open())
        sell(core, {"item1": 1})
    finally:
        core.stop()
    ensure_certificate(tmp_path / "till")
    till = tmp_path / "till"
    assert stat.S_IMODE(till.stat().st_mode) == 0o700
    assert stat.S_IMODE((till / "tls").stat().st_mode) == 0o700
    for path in [till / "sandbox.sqlite3", till / "pos.sqlite3", *(till / "tls").glob("*key*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
