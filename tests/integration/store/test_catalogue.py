import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import CatalogueImportError, open_store


@pytest.fixture
def store(database_location):
    s = open_store(database_location, PricingPolicy(), seed_demo=True)
    yield s
    s.close()


def write(tmp_path, text, name="cat.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_search_by_name_sku_and_barcode(store):
    assert [i.sku for i in store.catalogue.search("latte")] == ["latte", "tea-chai"]  # Caffè Latte, Chai Latte
    assert [i.sku for i in store.catalogue.search("LATTE")] == ["latte", "tea-chai"]
    assert [i.sku for i in store.catalogue.search("5012345600031")] == ["cappuccino"]
    assert [i.sku for i in store.catalogue.search("cap")] == ["cappuccino"]
    assert [i.sku for i in store.catalogue.search("it")] == ["item1", "item2", "item3", "item4"]  # 2-char prefix
    assert store.catalogue.search("zzz") == []


def test_search_in_category_and_paging(store):
    tea = store.catalogue.search("", category="Tea")
    assert len(tea) == 4 and all(i.category == "Tea" for i in tea)
    names = [i.name for i in tea]
    assert names == sorted(names, key=str.lower)
    page1 = store.catalogue.search("", limit=10)
    page2 = store.catalogue.search("", limit=10, offset=10)
    assert len(page1) == 10 and not {i.sku for i in page1} & {i.sku for i in page2}
    assert "Tea" in store.catalogue.categories()


def test_search_text_with_quotes_and_wildcards_is_literal(store):
    assert store.catalogue.search('"') == []
    assert store.catalogue.search("%") == []
    assert store.catalogue.search('a"b') == []


def test_import_adds_and_updates(store, tmp_path):
    path = write(tmp_path, "sku,name,price,category,barcode,tax_rate\n"
                           "new-1,New Thing,4.25,Misc,5012345699992,8.5\n"
                           "item1,Item One Renamed,5.50,Demo,4000000000013,\n")
    result = store.catalogue.import_csv(path)
    assert (result.added, result.updated) == (1, 1)
    new = store.catalogue.get("new-1")
    assert new.price == Money(425, "usd") and new.tax_rate_bp == 850 and new.category == "Misc"
    assert store.catalogue.get("item1").name == "Item One Renamed"
    assert [i.sku for i in store.catalogue.search("renamed")] == ["item1"]  # FTS follows updates


@pytest.mark.parametrize("body, line, field", [
    ("x1,Thing,abc,,,\n", 2, "price"),
    ("x1,Thing,1.234,,,\n", 2, "price"),
    ("x1,,1.00,,,\n", 2, "name"),
    ("bad sku,Thing,1.00,,,\n", 2, "sku"),
    ("x1,Thing,1.00,,12ab,\n", 2, "barcode"),
    ("x1,Thing,1.00,,,120\n", 2, "tax_rate"),
    ("x1,Thing,1.00,,,\nx1,Again,2.00,,,\n", 3, "sku"),
    ("x1,Thing,1.00,,,\nx2,Other,-1.00,,,\n", 3, "price"),
    ("x1,Thing,1.00,,,,extra\n", 2, "row"),
    ("x1,Thing,1e100000,,,\n", 2, "price"),
    ("x1,Thing,1000000000.00,,,\n", 2, "price"),
])
def test_a_bad_row_names_line_and_field_and_imports_nothing(store, tmp_path, body, line, field):
    count = store.catalogue.count()
    path = write(tmp_path, "sku,name,price,category,barcode,tax_rate\n" + body)
    with pytest.raises(CatalogueImportError) as err:
        store.catalogue.import_csv(path)
    assert (err.value.line, err.value.field) == (line, field)
    assert f"line {line}" in str(err.value)
    assert store.catalogue.count() == count and store.catalogue.get("x1") is None


def test_header_problems(store, tmp_path):
    with pytest.raises(CatalogueImportError, match="'price': column missing"):
        store.catalogue.import_csv(write(tmp_path, "sku,name\nx,y\n"))
    result = store.catalogue.import_csv(write(tmp_path, "sku,name,price,colour\nx,y,1,red\n"))
    assert result.added == 1 and result.warnings == ("column(s) 'colour' ignored: pos-app reads "
                                                     "sku, name, price, category, barcode, tax_rate, open_price",)
    with pytest.raises(CatalogueImportError, match="empty"):
        store.catalogue.import_csv(write(tmp_path, ""))


def test_barcode_already_used_by_another_stored_item(store, tmp_path):
    path = write(tmp_path, "sku,name,price,barcode\nx1,Thing,1.00,4000000000013\n")
    with pytest.raises(CatalogueImportError, match="already belongs to item1"):
        store.catalogue.import_csv(path)
    assert store.catalogue.get("x1") is None


def test_upsert_refuses_foreign_currency(store):
    from pos_app.domain.money import MoneyError
    with pytest.raises(MoneyError):
        store.catalogue.upsert([Item("e1", "Euro thing", Money(100, "eur"))])


def test_short_queries_match_the_start_of_any_word(store):
    # "Caffè Latte", "Chai Latte": "la" starts the word Latte; "at" starts no word.
    assert [i.sku for i in store.catalogue.search("la")] == ["latte", "tea-chai"]
    assert store.catalogue.search("at") == []
    assert [i.sku for i in store.catalogue.search("ca")] == ["salad-caesar", "latte", "cappuccino"]  # by name
    assert store.catalogue.search("&") == []


def test_search_is_capped_but_complete_below_the_cap(tmp_path):
    from pos_app.store.catalogue import SEARCH_CAP
    store = open_store(tmp_path / "big.sqlite3", PricingPolicy())
    try:
        store.catalogue.upsert(Item(f"g{n:05d}", f"Gadget {n:05d}", Money(100, "usd"), category="Big" if n % 2 else "")
                               for n in range(SEARCH_CAP + 500))
        store.catalogue.upsert([Item("w1", "Widget", Money(100, "usd"))])
        assert store.catalogue.match_count("gadget") == SEARCH_CAP + 1  # "more than the cap"
        pages = [store.catalogue.search("gadget", limit=500, offset=o) for o in range(0, SEARCH_CAP + 500, 500)]
        found = [i.sku for page in pages for i in page]
        assert len(found) == SEARCH_CAP and len(set(found)) == SEARCH_CAP  # paging never repeats an item
        assert found == sorted(found)  # in name order
        assert store.catalogue.match_count("widg") == 1
        assert [i.sku for i in store.catalogue.search("widg")] == ["w1"]
        big = store.catalogue.search("gadget", category="Big", limit=5)
        assert [i.sku for i in big] == ["g00001", "g00003", "g00005", "g00007", "g00009"]
        assert store.catalogue.match_count("", category="Big") == (SEARCH_CAP + 500) // 2
    finally:
        store.close()


def test_a_schema_1_database_is_migrated_and_searchable(tmp_path):
    import sqlite3

    from pos_app.store.db import SCHEMA_VERSION
    from pos_app.store.migrations import MIGRATIONS
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO items (sku, name, price, currency) VALUES ('m1', 'Whole Milk', 120, 'usd')")
    conn.commit()
    conn.close()
    store = open_store(path, PricingPolicy())
    try:
        assert store.db.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [i.sku for i in store.catalogue.search("mi")] == ["m1"]  # the word index was rebuilt
        assert [i.sku for i in store.catalogue.search("ole")] == ["m1"]
    finally:
        store.close()
