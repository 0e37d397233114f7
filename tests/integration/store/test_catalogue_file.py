"""The catalogue's own file beside the till's: an older single-file till's items move there whole
(also after a crash half way), and the new file is guarded like the till's (refused when damaged, 0600)."""

from __future__ import annotations

import shutil
import sqlite3
import stat

import pytest

from pos_app.domain.natural_order import natural_key
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import DamagedDatabase, open_store
from pos_app.store.catalogue_db import catalogue_path
from pos_app.store.migrations import MIGRATIONS

COLUMNS = "sku, name, price, currency, category, barcode, tax_rate_bp"
OLD_ITEMS = [(f"s{n}", f"Whole Milk {n}" if n % 2 else f"Rye Bread {n}", 100 + n, "usd", "Dairy" if n % 2 else "",
              f"40000000{n:05d}" if n % 3 else None, 500 * (n % 3)) for n in range(1_500)]


def schema_4_till(path):
    """A till database as pos-app wrote it before the catalogue had its own file: items, a cart line."""
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:4]) + "\nPRAGMA user_version = 4;")
    conn.executemany(f"INSERT INTO items ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", OLD_ITEMS)  # through triggers
    conn.execute("INSERT INTO carts (uuid, state, created_at, updated_at) VALUES ('u1', 'open', 1, 1)")
    conn.execute("INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (1, 's7', 3, 1)")
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def old_till(tmp_path_factory):
    return schema_4_till(tmp_path_factory.mktemp("old") / "pos.sqlite3")


def copy_of(old_till, tmp_path):
    path = tmp_path / "pos.sqlite3"
    shutil.copyfile(old_till, path)
    return path


def assert_the_old_catalogue_is_whole(store):
    assert [tuple(r) for r in store.catalogue.db.query(f"SELECT {COLUMNS} FROM items ORDER BY rowid")] == OLD_ITEMS
    assert store.catalogue.match_count("rye bread 14") == sum("Rye Bread 14" in row[1] for row in OLD_ITEMS) > 1
    by_name = sorted((natural_key(row[1]), row[0]) for row in OLD_ITEMS if "Milk" in row[1])
    assert [i.sku for i in store.catalogue.search("mi", limit=3)] == [sku for _, sku in by_name[:3]]
    assert [i.sku for i in store.catalogue.search("", limit=2000)] == [  # the name index, every item
        sku for _, sku in sorted((natural_key(row[1]), row[0]) for row in OLD_ITEMS)]  # in natural order
    for index in ("items_fts", "items_words"):  # FTS5's own check: each index holds exactly the items' text
        store.catalogue.db.conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
    assert store.carts.snapshot().lines == {"s7": 3}  # the till's own data stayed where it was


def test_an_old_tills_items_move_to_the_catalogue_file_without_loss(old_till, tmp_path):
    path = copy_of(old_till, tmp_path)
    with open_store(path, PricingPolicy()) as store:
        assert store.catalogue.db.path == tmp_path / "pos-catalogue.sqlite3"
        assert_the_old_catalogue_is_whole(store)
        left = store.db.query("SELECT name FROM sqlite_master WHERE name LIKE 'items%'")
        assert left == []  # the till's file holds no catalogue any more
    with open_store(path, PricingPolicy()) as again:  # a second start moves nothing twice
        assert_the_old_catalogue_is_whole(again)


def test_a_crash_between_the_two_commits_of_the_move_loses_and_doubles_nothing(old_till, tmp_path):
    """Killed after the catalogue's commit, before the till's copy went: both files hold the items."""
    path = copy_of(old_till, tmp_path)
    open_store(path, PricingPolicy()).close()
    conn = sqlite3.connect(path)  # the till's file as such a crash leaves it: its copy still there
    conn.execute("ATTACH ? AS catalogue", (str(catalogue_path(path)),))
    conn.execute(f"CREATE TABLE main.items_to_move AS SELECT {COLUMNS} FROM catalogue.items ORDER BY rowid")
    conn.commit()
    conn.close()
    with open_store(path, PricingPolicy()) as store:
        assert_the_old_catalogue_is_whole(store)
        assert store.db.query("SELECT name FROM sqlite_master WHERE name = 'items_to_move'") == []


def test_a_damaged_catalogue_file_is_refused_and_left_as_it_was(old_till, tmp_path):
    path = copy_of(old_till, tmp_path)
    open_store(path, PricingPolicy()).close()
    catalogue = catalogue_path(path)
    catalogue.write_bytes(b"")
    with pytest.raises(DamagedDatabase, match=r"pos-catalogue\.sqlite3 is empty \(0 bytes\)"):
        open_store(path, PricingPolicy())
    assert catalogue.read_bytes() == b""


def test_the_catalogue_file_is_private(tmp_path):
    folder = tmp_path / "till"
    with open_store(folder / "pos.sqlite3", PricingPolicy(), seed_demo=True) as store:
        store.catalogue.search("mil")
        for name in ("pos-catalogue.sqlite3", "pos-catalogue.sqlite3-wal", "pos-catalogue.sqlite3-shm"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_a_new_till_beside_a_catalogue_file_keeps_that_catalogue(old_till, tmp_path):
    """A till database started afresh (the catalogue file copied in, or restored alone) empties nothing."""
    first = tmp_path / "first" / "pos.sqlite3"
    first.parent.mkdir()
    shutil.copyfile(old_till, first)
    open_store(first, PricingPolicy()).close()
    shutil.copyfile(catalogue_path(first), catalogue_path(tmp_path / "pos.sqlite3"))
    with open_store(tmp_path / "pos.sqlite3", PricingPolicy()) as store:
        assert store.catalogue.count() == len(OLD_ITEMS)


def test_a_missing_catalogue_file_beside_a_till_that_had_one_is_refused(old_till, tmp_path):
    """Never a fresh empty catalogue over a lost one: the till says which file is missing, creates nothing."""
    path = copy_of(old_till, tmp_path)
    open_store(path, PricingPolicy()).close()
    catalogue = catalogue_path(path)
    for name in (catalogue, catalogue.with_name(catalogue.name + "-wal"), catalogue.with_name(catalogue.name + "-shm")):
        name.unlink(missing_ok=True)
    with pytest.raises(DamagedDatabase, match=r"pos-catalogue\.sqlite3 is missing.*restore it"):
        open_store(path, PricingPolicy())
    assert not catalogue.exists()  # nothing made: the second start is refused the same way
    with pytest.raises(DamagedDatabase, match="is missing"):
        open_store(path, PricingPolicy())
