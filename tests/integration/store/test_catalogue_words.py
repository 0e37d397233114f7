"""Search by several word prefixes in any order, and names in natural order ("Product 2" before
"Product 10"), through the real catalogue file; an older catalogue gets its sort keys at open."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.natural_order import natural_key
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from pos_app.store.catalogue_db import CATALOGUE_MIGRATIONS, catalogue_path

NAMES = {"cookie": "Chocolate Chip Cookie", "choc-bar": "Chocolate Bar", "chips": "Potato Chips",
         "chili": "Chili Chocolate Chip Muffin", "p10": "Product 10", "p2": "Product 2", "p1": "product 1",
         "p2b": "Product 2b", "p100": "Product 100"}


@pytest.fixture
def catalogue(tmp_path):
    store = open_store(tmp_path / "pos.sqlite3", PricingPolicy())
    store.catalogue.upsert(Item(sku, name, Money(100, "usd")) for sku, name in NAMES.items())
    yield store.catalogue
    store.close()


def skus(catalogue, text, **kw):
    return [item.sku for item in catalogue.search(text, **kw)]


def test_every_word_is_a_prefix_of_some_word_in_any_order(catalogue):
    assert skus(catalogue, "choc chip") == ["chili", "cookie"]
    assert skus(catalogue, "chip choc") == ["chili", "cookie"]
    assert skus(catalogue, "CHOC  cook") == ["cookie"]
    assert skus(catalogue, "choc chip muf") == ["chili"]
    assert skus(catalogue, "choc xyz") == []
    assert catalogue.match_count("choc chip") == 2
    assert skus(catalogue, "late chip") == ["chili", "cookie"]  # no word starts "late": the substring matches
    assert skus(catalogue, "hip coo") == ["cookie"]


def test_one_word_keeps_its_old_meaning(catalogue):
    assert skus(catalogue, "ocol") == ["chili", "choc-bar", "cookie"]  # three letters: anywhere
    assert skus(catalogue, "ch") == ["chili", "choc-bar", "cookie", "chips"]  # two: a word's start


def test_names_sort_naturally_and_case_blind(catalogue):
    assert skus(catalogue, "product") == ["p1", "p2", "p2b", "p10", "p100"]
    assert [i.sku for i in catalogue.search("") if i.sku.startswith("p")] == ["p1", "p2", "p2b", "p10", "p100"]


def test_the_natural_key():
    assert natural_key("Product 2") < natural_key("Product 10") < natural_key("product 100")
    assert natural_key("ABC") == natural_key("abc") and natural_key("a  b") == natural_key("a b")
    assert natural_key("Item 007") == natural_key("Item 7")


def test_an_older_catalogue_file_gets_its_sort_keys_at_open(tmp_path):
    till = tmp_path / "pos.sqlite3"
    open_store(till, PricingPolicy()).close()  # a till and its catalogue file
    path = catalogue_path(till)
    conn = sqlite3.connect(path)  # back to the catalogue schema before natural order
    conn.executescript("DROP TABLE items; DROP TABLE items_fts; DROP TABLE items_words; DROP TABLE items_bulk_write;"
                       + "".join(CATALOGUE_MIGRATIONS[:2]) + "PRAGMA user_version = 2;")
    conn.executemany("INSERT INTO items (sku, name, price, currency) VALUES (?, ?, 100, 'usd')",
                     [("p10", "Product 10"), ("p2", "Product 2")])
    conn.commit()
    conn.close()
    store = open_store(till, PricingPolicy())
    try:
        assert skus(store.catalogue, "product") == ["p2", "p10"]
        assert skus(store.catalogue, "prod 1") == ["p10"]
    finally:
        store.close()
