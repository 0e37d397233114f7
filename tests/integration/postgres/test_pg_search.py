"""The PostgreSQL catalogue search gives what SQLite's FTS5 search gives, for the same catalogue.

One catalogue (the demo items and a generated one with diacritics, punctuation, digits, sku and
barcode hits, more than SEARCH_CAP items sharing words) is imported into a SQLite till and a shop
database alike; every query, category and page must give the same items in the same order and the
same match_count on both: SQLite's FTS5 search is the rule (docs/architecture.md "Catalogue search").
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.resources import resource_path
from pos_app.store import open_store
from pos_app.store.catalogue import SEARCH_CAP
from pos_app.store.catalogue_csv import decode, parse_catalogue_csv
from pos_app.store.catalogue_import import import_items

WORDS = ("Café", "Crème", "brûlée", "Ñandú", "Ölfarbe", "Smørbrød", "Łódź", "naïve", "Straße", "ÆRØ", "Ǖber",
         "chocolate", "Chip", "cookie", "milk", "Mild", "MILCH", "apple", "Äpfel", "über", "Élan", "e\u0301clair",
         "Ψωμί", "Ёлка", "x²", "½", "choc-chip", "rock'n'roll", "7up", "500ml", "1.5kg", "A4", "Dr.", "(new)",
         "50%", "C_D", "αβγ", "ǆungla", "İstanbul")
CATEGORIES = ("Bakery", "Dairy", "Épicerie", "")
CURRENCY = "usd"


def _generated(n: int) -> list[Item]:
    rng = random.Random(19)
    items = []
    for i in range(n):
        name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.2:
            name += f" {rng.randint(1, 999)}"
        sku = rng.choice(("CAF", "MLK", "é-x", "A4", "dr")).replace("é", "e") + f"-{i:05d}"
        barcode = f"{rng.choice(('200', '501', '871'))}{i:010d}" if rng.random() < 0.7 else None
        items.append(Item(sku=sku, name=name, price=Money(rng.randint(1, 9999), CURRENCY),
                          category=rng.choice(CATEGORIES), barcode=barcode))
    return items


def _catalogue() -> list[Item]:
    demo = parse_catalogue_csv(decode(resource_path("demo_catalogue.csv").read_bytes()), CURRENCY, "en_US").items
    return [*demo, *_generated(5_000)]


CATALOGUE = _catalogue()
RENAMED = [Item(sku=CATALOGUE[7].sku, name="Renamed Café Crème", price=Money(1, CURRENCY), category="Dairy"),
           Item(sku="added-late", name="Late Chocolate Chip", price=Money(2, CURRENCY), barcode="123456789")]


@pytest.fixture(scope="module")
def backends(tmp_path_factory, postgres_server, shop_database_template):
    """The same catalogue in a SQLite till and in a shop database: imported, then an item renamed
    and one added through CatalogueStore.upsert (the writes a manager's edit makes)."""
    url = postgres_server.create_database("pg_search", template=shop_database_template)
    stores = [open_store(tmp_path_factory.mktemp("sqlite-search") / "pos.sqlite3", PricingPolicy()),
              open_store(url, PricingPolicy())]
    for store in stores:
        import_items(store.catalogue.db, CURRENCY, CATALOGUE, chunk_rows=1_500)
        store.catalogue.upsert(RENAMED)
    yield stores[0].catalogue, stores[1].catalogue
    for store in stores:
        store.close()
    postgres_server.drop_database("pg_search")


def _answers(catalogue, text: str, category: str | None, offset: int) -> tuple[list[str], int]:
    return ([item.sku for item in catalogue.search(text, category, limit=200, offset=offset)],
            catalogue.match_count(text, category))


def _same(backends, text: str, category: str | None = None, offset: int = 0) -> tuple[list[str], int]:
    sqlite, postgresql = (_answers(catalogue, text, category, offset) for catalogue in backends)
    assert postgresql == sqlite, \
        f"{text!r} in {category!r} from {offset}: SQLite {sqlite}, PostgreSQL {postgresql}"
    return sqlite


FIXED = ["c", "C", "ca", "é", "e", "cafe", "café", "CAFÉ", "crème", "creme", "cre", "m", "mi", "mil", "milk",
         "choc chip", "chip choc", "choc-chip", "late chip", "ate chi", "50%", "%", "_", "C_D", "c_d", "7u", "7up",
         "500", "ml", "1.5", "200", "2000000", "4000000", "501000", "caf-0", "CAF-00012", "a4", "dr", "dr.", "(new",
         "x²", "½",
         "ψω", "ψωμί", "ёл", "ЁЛКА", "ǆ", "ǆu", "i", "İs", "istanbul", "stra", "straße", "ss", "ø", "sm", "smor",
         "łó", "lo", "lodz", "ǖ", "u", "ub", "über", "ueber", "eclair", "e\u0301", "é cl", "rock'n", "n'roll",
         "n", "'", "--", "a b", "ä", "äp", "apfel", "renamed", "late", "late choc", "chocolate chip", "  milk  ",
         "élan", "ELAN", "naive", "naï", "ÆR", "ae", "ær", "mild milch", "z", "zz", "qqq", "renamed café"]


@pytest.mark.parametrize("category", [None, "Dairy", "Épicerie", "Bakery"])
def test_fixed_queries_give_the_same_page_and_count_on_both_backends(backends, category):
    for text in FIXED:
        _same(backends, text, category)


def test_a_query_matching_more_than_the_cap_takes_the_same_items_on_both(backends):
    """More than SEARCH_CAP items match: both take the first SEARCH_CAP + 1 in catalogue order."""
    for text in ("c", "0", "-0"):
        first_page, count = _same(backends, text)
        assert count == SEARCH_CAP + 1 and len(first_page) == 200
        for offset in (200, 1_000, SEARCH_CAP - 100, SEARCH_CAP):
            _same(backends, text, offset=offset)


def test_the_comparison_sees_a_difference(backends):
    """The same comparison flags a query whose answers differ (here: another text on one backend)."""
    sqlite, postgresql = backends
    assert _answers(sqlite, "milk", None, 0) != _answers(postgresql, "mild", None, 0)


_TEXT = st.text(alphabet=st.sampled_from(sorted(set("".join(WORDS)) | set(" -.'%_0123456789"))), max_size=8)
_FROM_NAMES = st.builds(lambda item, start, size: item.name[start:start + size],
                        st.sampled_from(CATALOGUE), st.integers(0, 20), st.integers(1, 12))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_TEXT, _FROM_NAMES), category=st.sampled_from([None, *CATEGORIES[:3]]),
       offset=st.sampled_from([0, 0, 200]))
def test_any_query_gives_the_same_page_and_count_on_both_backends(backends, text, category, offset):
    _same(backends, text, category, offset)


def test_a_substring_never_spans_two_fields(backends):
    """The end of a name and the start of its sku are two fields on SQLite; PostgreSQL's haystack
    joins them with U+001F, so a query holding it must match nothing there either."""
    item = CATALOGUE[-1]
    spanning = f"{item.name[-2:]}\x1f{item.sku[:2]}".lower()
    assert _same(backends, spanning) == ([], 0)


def test_a_keystrokes_count_reads_its_candidates_once_and_a_change_shows_at_once(shop_database_url):
    """The window asks for a page, then its count: one read of the candidates on PostgreSQL. An item
    this till writes in between is found by the next question all the same."""
    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    with open_store(shop_database_url, PricingPolicy(), seed_demo=True) as store:
        catalogue = store.catalogue
        reads: list[str] = []
        original = catalogue._read_candidates
        catalogue._read_candidates = lambda text, category: reads.append(text) or original(text, category)
        page = catalogue.search("cho")
        assert catalogue.match_count("cho") == len(page) and reads == ["cho"]
        catalogue.upsert([Item("choc-new", "Chocolate Bar New", Money(199, "usd"))])
        assert catalogue.match_count("cho") == len(page) + 1 and reads == ["cho", "cho"]
