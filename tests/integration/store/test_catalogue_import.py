"""Catalogue import as spreadsheets write it, and without stopping the till: semicolons, decimal
commas, "20%", a BOM, extra columns, bad bytes on their real line, messages in the shop's terms;
only changed items written, in one transaction of the catalogue's own file, which the till's cart
writes never wait for."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import CatalogueImportError, open_store
from pos_app.store import catalogue_import


@pytest.fixture
def store(database_location):
    s = open_store(database_location, PricingPolicy(), seed_demo=True)
    yield s
    s.close()


@pytest.fixture
def eur_store(tmp_path):
    s = open_store(tmp_path / "eur.sqlite3", PricingPolicy("eur"))
    yield s
    s.close()


def write_bytes(tmp_path, data: bytes, name="cat.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_what_a_german_spreadsheet_writes(eur_store, tmp_path):
    """Excel in de_DE: BOM, semicolons, decimal commas, "19%", and a column of its own."""
    text = ("\ufeffSKU;Name;Price;Tax_rate;Notes\r\n"
            "brot;Brot 500 g;2,49;7%;frisch\r\n"
            "wein;Rotwein;1.234,50;19 %;\r\n"
            "milch;Milch;1,19;7;\r\n")
    result = eur_store.catalogue.import_csv(write_bytes(tmp_path, text.encode("utf-8")), "de_DE")
    assert (result.added, result.updated) == (3, 0)
    assert result.warnings == ("column(s) 'notes' ignored: pos-app reads sku, name, price, category, barcode, "
                               "tax_rate, open_price",)
    brot, wein = eur_store.catalogue.get("brot"), eur_store.catalogue.get("wein")
    assert brot.price == Money(249, "eur") and brot.tax_rate_bp == 700
    assert wein.price == Money(123450, "eur") and wein.tax_rate_bp == 1900


@pytest.mark.parametrize("text, locale, line, field, message", [
    ("sku;name;price\nx1;Thing;1,50\n", "en_US", 2, "price", "'1,50' is not a number as en_US (POS_LOCALE) writes one"),
    ("sku;name;price\nx1;Thing;1.500\n", "de_DE", 2, "price", "'1.500' is ambiguous in de_DE"),
    ("sku,name,price\nx1,Thing,1,50\n", "en_US", 2, "row", "a decimal comma in a comma-separated file must be quoted"),
    ("sku,name,price\nx1,Thing,1000000\n", "en_US", 2, "price", "at most 999,999.99 (the largest card charge)"),
    ("sku,name,price,tax_rate\nx1,Thing,1.00,120%\n", "en_US", 2, "tax_rate", "use a percentage from 0 to 100"),
    ("sku,name,price,barcode\nx1,Thing,1.00,١٢٣٤٥٦٧\n", "en_US", 2, "barcode", "must be 6-14 digits"),
    ("Artikel;Bezeichnung;Preis\nx1;Thing;1,50\n", "de_DE", 1, "sku", "separated by commas, semicolons or tabs"),
])
def test_messages_name_the_line_and_speak_the_shops_language(store, tmp_path, text, locale, line, field, message):
    before = store.catalogue.count()
    with pytest.raises(CatalogueImportError) as err:
        store.catalogue.import_csv(write_bytes(tmp_path, text.encode()), locale)
    assert (err.value.line, err.value.field) == (line, field) and message in str(err.value), str(err.value)
    assert "minor units" not in str(err.value) and "basis points" not in str(err.value)
    assert store.catalogue.count() == before


def test_a_bad_byte_is_reported_on_its_real_line(store, tmp_path):
    data = b"sku,name,price\na,Apple,1.00\nb,Banana,1.00\n" + b"c,Caf\xe9,2.00\n"  # Latin-1 é on line 4
    with pytest.raises(CatalogueImportError, match=r"^line 4: byte 0xe9 at column 6 is not UTF-8 text"):
        store.catalogue.import_csv(write_bytes(tmp_path, data))
    assert store.catalogue.get("a") is None


@pytest.mark.sqlite_only  # SQLite's files and write turns; PostgreSQL: tests/integration/postgres
def test_reimporting_an_unchanged_file_changes_nothing_and_writes_nothing(store, tmp_path):
    lines = "".join(f"s{n},Item {n},{n}.25,Cat,,5%\n" for n in range(1, 600))
    path = write_bytes(tmp_path, ("sku,name,price,category,barcode,tax_rate\n" + lines).encode())
    first = store.catalogue.import_csv(path)
    assert (first.added, first.changed) == (599, 599)
    writes = store.catalogue.db.conn.total_changes
    assert writes >= 599  # the catalogue's connection counts the import's writes
    again = store.catalogue.import_csv(path)
    assert (again.changed, again.unchanged) == (0, 599)
    assert store.catalogue.db.conn.total_changes == writes  # not a row written
    path.write_bytes(path.read_bytes().replace(b"s7,Item 7,7.25", b"s7,Item 7,7.50"))
    one = store.catalogue.import_csv(path)
    assert (one.added, one.updated, one.unchanged) == (0, 1, 598)
    assert store.catalogue.get("s7").price == Money(750, "usd")


@pytest.mark.sqlite_only  # SQLite's files and write turns; PostgreSQL: tests/integration/postgres
def test_the_till_writes_while_an_import_writes_and_sees_the_new_catalogue_at_once(store, tmp_path, monkeypatch):
    """In the middle of an import's transaction another connection (the till) writes its cart at once,
    never waiting (timeout 0: busy would fail), and reads the catalogue as it was before the import;
    the import's COMMIT shows every new item at once, never a part of the file."""
    monkeypatch.setattr(catalogue_import, "WRITE_ROWS", 100)  # several progress steps from a small file
    n = 100 * 4 + 10
    lines = "".join(f"imp-{i},Item {i},1.00\n" for i in range(n))
    path = write_bytes(tmp_path, ("sku,name,price\n" + lines).encode())
    till = sqlite3.connect(store.db.path, timeout=0, isolation_level=None)  # busy = fail, never wait
    shelf = sqlite3.connect(store.catalogue.db.path, timeout=0, isolation_level=None)  # the till's search
    till_writes = []

    class TillSells:
        def read(self, rows: int) -> None:
            pass

        def wrote(self, done: int, total: int) -> None:  # the import, in the middle of its transaction
            till.execute("BEGIN IMMEDIATE")
            till.execute("UPDATE carts SET updated_at = updated_at + 1 WHERE state != 'closed'")
            till.execute("COMMIT")
            visible = shelf.execute("SELECT count(*) FROM items WHERE sku LIKE 'imp-%'").fetchone()[0]
            till_writes.append((done, visible))

    result = store.catalogue.import_csv(path, progress=TillSells())
    after = shelf.execute("SELECT count(*) FROM items WHERE sku LIKE 'imp-%'").fetchone()[0]
    till.close()
    shelf.close()
    assert result.added == n
    assert [done for done, _ in till_writes] == [100, 200, 300, 400, n]  # the till wrote at each step
    assert [visible for _, visible in till_writes] == [0] * 5 and after == n  # all at once, at the COMMIT


@pytest.mark.sqlite_only  # SQLite's files and write turns; PostgreSQL: tests/integration/postgres
def test_a_catalogue_write_during_an_import_says_busy_and_the_till_still_sells(store):
    """Editing the catalogue while an import holds it: 'busy', nothing changed; the cart is not held up."""
    from pos_app.domain.item import Item
    from pos_app.store import CatalogueStore, StoreBusy
    from pos_app.store.catalogue_db import CATALOGUE_MIGRATIONS
    from pos_app.store.db import Database

    other = Database(store.catalogue.db.path, busy_timeout_s=0.05, migrations=CATALOGUE_MIGRATIONS)
    try:
        with store.catalogue.db.transaction():  # an import's transaction, open
            with pytest.raises(StoreBusy, match="busy \\(a catalogue import is writing\\): try again"):
                CatalogueStore(other, "usd").upsert([Item("new", "New", Money(100, "usd"))])
            store.carts.add("item1")  # the till's own file: not waiting for the import
        assert store.catalogue.get("new") is None and store.carts.snapshot().lines == {"item1": 1}
    finally:
        other.close()


@pytest.mark.sqlite_only  # SQLite's files and write turns; PostgreSQL: tests/integration/postgres
def test_a_writer_that_cannot_get_its_turn_says_busy_and_changes_nothing(store):
    from pos_app.store import StoreBusy
    from pos_app.store.db import Database

    till = Database(store.db.path, busy_timeout_s=0.05)  # another process's connection, as the till has
    try:
        before = till.query_one("SELECT uuid FROM carts WHERE state != 'closed'")[0]
        # A long transaction elsewhere (an import holding its turn), and the till asking meanwhile.
        with store.db.transaction(), \
                pytest.raises(StoreBusy, match="busy \\(a catalogue import is writing\\): try again"), \
                till.transaction() as conn:
            conn.execute("UPDATE carts SET uuid = 'changed'")
        with till.transaction() as conn:  # its turn comes as soon as the other one has finished
            assert conn.execute("SELECT uuid FROM carts WHERE state != 'closed'").fetchone()[0] == before
    finally:
        till.close()
