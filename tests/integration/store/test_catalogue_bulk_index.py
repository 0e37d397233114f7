"""A catalogue import keeps the search indexes itself, set-wise per chunk (the items_bulk_write
marker): it finds exactly what row-by-row upserts through the triggers find, and the till's own
edits before and after an import still go through the triggers; an older single-file till's items
move into the catalogue's own file and stay searchable."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from pos_app.store import catalogue_import
from pos_app.store.db import Database
from pos_app.store.migrations import MIGRATIONS

CHUNK_ROWS = 100  # rows per write_chunk in these tests (catalogue_import.WRITE_ROWS), for several chunks

QUERIES = ("mi", "m", "ol", "milk", "Whole", "oat", "0042", "4000", "5000", "s-1", "s-12", "ice", "tea", "crea", "zz",
           "Oat Milk", "e 1", "500", "ée")


def first_file(n: int) -> list[Item]:
    names = ("Whole Milk", "Oat Milk", "Iced Tea", "Crème Fraîche", "Green Tea", "Ice Cream", "Olive Oil")
    return [Item(f"s-{i}", f"{names[i % len(names)]} {i}", Money(100 + i, "usd"), category="Cat",
                 barcode=f"4000{i:04d}" if i % 3 else None) for i in range(n)]


def second_file(n: int) -> list[Item]:
    """Renamed, re-barcoded, unchanged and new items: every path of the index upkeep."""
    items = []
    for item in first_file(n):
        i = int(item.sku[2:])
        if i % 4 == 0:
            item = Item(item.sku, f"Oatcake {i}", item.price, category="Cat", barcode=item.barcode)
        elif i % 4 == 1:
            item = Item(item.sku, item.name, item.price, category="Cat", barcode=f"5000{i:04d}")
        elif i % 4 == 2:
            item = Item(item.sku, item.name, Money(999, "usd"), category="Cat", barcode=None)
        items.append(item)
    return items + [Item(f"new-{i}", f"Milk Chocolate {i}", Money(150, "usd")) for i in range(20)]


def as_csv(path, items: list[Item]):
    path.write_text("sku,name,price,category,barcode\n" + "".join(
        f"{i.sku},{i.name},{i.price.amount / 100:.2f},{i.category},{i.barcode or ''}\n" for i in items),
        encoding="utf-8")
    return path


def answers(store) -> dict[str, tuple]:
    return {q: ([i.sku for i in store.catalogue.search(q, limit=1_000)], store.catalogue.match_count(q))
            for q in QUERIES}


def assert_indexes_match_items(db: Database) -> None:
    """FTS5's own check that each index holds exactly the text of the items table, no more, no less."""
    for table in ("items_fts", "items_words"):
        db.conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def stores(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue_import, "WRITE_ROWS", CHUNK_ROWS)
    bulk = open_store(tmp_path / "bulk.sqlite3", PricingPolicy())
    by_row = open_store(tmp_path / "by-row.sqlite3", PricingPolicy())
    yield bulk, by_row
    bulk.close()
    by_row.close()


def test_an_import_finds_exactly_what_row_by_row_upserts_find(stores, tmp_path):
    bulk, by_row = stores
    n = CHUNK_ROWS * 3 + 17  # several chunks
    for number, items in enumerate((first_file(n), second_file(n))):
        bulk.catalogue.import_csv(as_csv(tmp_path / f"file{number}.csv", items))
        by_row.catalogue.upsert(items)
        assert_indexes_match_items(bulk.catalogue.db)
        assert answers(bulk) == answers(by_row)
    assert answers(bulk)["oat"][1] > 0 and answers(bulk)["5000"][1] > 0  # the queries do find things
    assert bulk.catalogue.search("Whole Milk 0") == []  # renamed: the old name is gone from the index


def test_the_tills_edits_around_an_import_still_update_the_index(stores, tmp_path):
    """Before and after an import the till (its own connection) renames an item and adds one: the
    triggers fire for it, because the import's marker never outlives its transaction."""
    bulk, _ = stores
    till = open_store(bulk.db.path, PricingPolicy())
    steps = []

    class Steps:
        def read(self, rows: int) -> None:
            pass

        def wrote(self, done: int, total: int) -> None:
            steps.append(done)

    try:
        till.catalogue.upsert([Item("till-0", "Blackcurrant Jam", Money(300, "usd"))])
        bulk.catalogue.import_csv(as_csv(tmp_path / "file.csv", first_file(CHUNK_ROWS * 3)), progress=Steps())
        till.catalogue.upsert([Item("s-0", "Sparkling Water", Money(100, "usd")),
                               Item("till-1", "Lemon Curd", Money(300, "usd"))])
        assert steps == [CHUNK_ROWS, CHUNK_ROWS * 2, CHUNK_ROWS * 3]  # the import wrote several chunks
        assert [i.sku for i in till.catalogue.search("blackc")] == ["till-0"]
        assert [i.sku for i in till.catalogue.search("sparkl")] == ["s-0"]
        assert [i.sku for i in till.catalogue.search("Whole Milk 0")] == []
        assert [i.sku for i in till.catalogue.search("le")] == ["till-1"]
        assert till.catalogue.db.query_one("SELECT count(*) FROM items_bulk_write")[0] == 0
        assert_indexes_match_items(till.catalogue.db)
    finally:
        till.close()


def test_an_interrupted_chunk_leaves_no_marker_behind(stores):
    """A chunk that fails rolls back with its marker: the next edit is indexed by the triggers."""
    from pos_app.store.catalogue_import import write_chunk

    bulk, _ = stores
    with pytest.raises(sqlite3.IntegrityError), bulk.catalogue.db.transaction() as conn:
        write_chunk(conn, [("x1", "Thing", -1, "usd", "", None, 0, 0)])  # price < 0: refused by the schema
    bulk.catalogue.upsert([Item("x2", "Marmalade", Money(300, "usd"))])
    assert [i.sku for i in bulk.catalogue.search("marm")] == ["x2"]


def test_a_schema_3_database_is_migrated_and_its_items_stay_searchable(tmp_path):
    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:3]) + "\nPRAGMA user_version = 3;")
    conn.execute("INSERT INTO items (sku, name, price, currency) VALUES ('m1', 'Whole Milk', 120, 'usd')")
    conn.commit()
    conn.close()
    store = open_store(path, PricingPolicy())
    try:
        assert store.db.query_one("PRAGMA user_version")[0] == len(MIGRATIONS) >= 5
        assert store.db.query_one("SELECT count(*) FROM sqlite_master WHERE name LIKE 'items%'")[0] == 0
        store.catalogue.upsert([Item("m1", "Oat Milk", Money(130, "usd"))])  # through the new triggers
        store.catalogue.import_csv(as_csv(tmp_path / "f.csv", [Item("m2", "Goat Milk", Money(200, "usd"))]))
        assert [i.sku for i in store.catalogue.search("oat")] == ["m2", "m1"]
        assert store.catalogue.search("whole") == []
        assert_indexes_match_items(store.catalogue.db)
    finally:
        store.close()
