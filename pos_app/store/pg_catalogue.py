"""The catalogue on the shop's PostgreSQL database: SQLite's search (catalogue.py) over pg_search_index's tables.

The rules are SQLite's (catalogue.py, docs/architecture.md "Search"), and so are the candidates:
- one word of three characters or more: a substring of the name, sku or barcode, case-blind
  (item_search.haystack: the first ORDERED_SCAN_ROWS items in catalogue order, and when they hold
  too few, the pg_trgm GIN index);
- one or two characters: the start of a word of the name or sku, diacritics aside
  (item_word_starts, one btree range already in catalogue order: no scan, no sort);
- several words: each starts a word of the name, in any order (item_name_words: the longest
  word's range, each other word probed per item), and only when no item matches so, the whole
  text as a substring.
The first SEARCH_CAP + 1 candidates in catalogue order (item_search.seq, insertion order as
SQLite's rowid), then sorted by the natural-order key and the sku (item_search.name_key: only the
page's items are read): the same items as SQLite for the same catalogue
(tests/integration/postgres/test_pg_search.py compares the two).

A selling till searches its local copy of the shop's catalogue instead, once that has caught up
(catalogue_replica.py, `replica`): SQLite's search itself. This search answers until then, and for
the commands that open a shop database without a copy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from pos_app.domain.item import Item
from pos_app.domain.natural_order import natural_key
from pos_app.store.catalogue import _WORD, SEARCH_CAP, CatalogueStore
from pos_app.store.catalogue_import import ImportProgress, ImportResult
from pos_app.store.db import Database
from pos_app.store.pg import PgConnection, PgDatabase
from pos_app.store.pg_search_index import SEPARATOR, fill_missing, write_search_rows
from pos_app.store.search_fold import fold_case, fold_word

if TYPE_CHECKING:
    from pos_app.store.catalogue_replica import CatalogueReplica

log = logging.getLogger(__name__)

#: How to find the candidates (its kind, the WHERE over item_search s, its parameters).
Condition = tuple[str, str, list[object]]
SUBSTRING, WORD_START, NAME_WORDS = "substring", "word start", "name words"

#: A substring first reads at most this many items in catalogue order: a query common enough to
#: find SEARCH_CAP + 1 among them is answered so (a trigram index would hand over tens of thousands
#: of matches to sort); a rarer one then asks the trigram index and sorts its few matches.
ORDERED_SCAN_ROWS = 60_000

#: How long a keystroke's candidates answer its own count (search(), then match_count()): well under
#: the time a cashier takes to type the next key; an import's new items show from the next keystroke.
CANDIDATES_TTL_S = 0.5

_FROM = {
    SUBSTRING: "item_search s",
    # One or two characters: driven by the (start, seq) index, already in catalogue order.
    WORD_START: "item_word_starts ws JOIN item_search s ON s.seq = ws.seq",
    NAME_WORDS: "item_search s",
}
_FIRST_ITEMS = f"(SELECT * FROM item_search ORDER BY seq LIMIT {ORDERED_SCAN_ROWS}) s"

#: What each word but the longest of several must start: a word of the name. A scalar subquery with
#: LIMIT, which the planner keeps as a probe per item of the longest word's (an EXISTS it turns into
#: a join that reads every name word starting "c" for "ground c").
_ALSO_STARTS = "(SELECT 1 FROM item_name_words x WHERE x.seq = w.seq AND x.word LIKE ? LIMIT 1) IS NOT NULL"


def _like(text: str, anywhere: bool = True) -> str:
    """text as a LIKE pattern (its own wildcards taken literally): anywhere, or at the start."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ("%" if anywhere else "") + escaped + "%"


def _search_session(conn: PgConnection) -> None:
    """The catalogue connection's planner settings: a keystroke's query is a few ms, so parallel
    workers cost more than they save; and the search tables are read from memory, where an index
    probe costs about what a page read in order does (the default 4 makes it pick a whole-table
    scan over a few thousand probes)."""
    conn.execute("SET max_parallel_workers_per_gather = 0")
    conn.execute("SET random_page_cost = 1.1")


class PgCatalogueStore(CatalogueStore):
    """CatalogueStore whose search runs on PostgreSQL (everything else is the shared SQL)."""

    def __init__(self, db: Database, currency: str) -> None:
        super().__init__(db, currency)
        cast(PgDatabase, db).on_connect(_search_session)
        #: The last keystroke's candidates: the window asks search() for a page, then match_count() for
        #: the same text when the page is full; that second call reads them again only after CANDIDATES_TTL_S.
        self._last: tuple[str, str | None, float, list[tuple[str, str]]] | None = None
        #: The till's local copy to search (catalogue_replica.py), set by open_store for a selling till.
        self.replica: CatalogueReplica | None = None

    def upsert(self, items: Iterable[Item]) -> ImportResult:
        self._last = None  # this till's own change shows at once
        try:
            result = super().upsert(items)
        finally:
            self._last = None
        self._written_here()
        return result

    def import_csv(self, path: Path, locale: str = "en_US", progress: ImportProgress | None = None) -> ImportResult:
        try:
            result = super().import_csv(path, locale, progress)
        finally:
            self._last = None
        self._written_here()
        return result

    def close(self) -> None:
        if self.replica is not None:
            self.replica.close()
        super().close()

    def _written_here(self) -> None:
        """After this till's own write went in: its search shows it at once (the copy catches up now,
        not at its next poll). Not after a refused or failed one: nothing to copy, and the shop
        database may be away, where a catch-up would only make the refusal wait for its connect."""
        if self.replica is not None:
            try:
                self.replica.catch_up_now_or_soon()
            except Exception as exc:  # the write is in (committed): the copy's next poll brings it
                log.warning("the catalogue's local copy did not catch up now: %s", exc)

    def _searched(self) -> CatalogueStore | None:
        """The local copy's store once it has caught up (None: search here)."""
        replica = self.replica
        return replica.store if replica is not None and replica.ready else None

    @staticmethod
    def _written(conn: object, item: Item) -> None:
        write_search_rows(conn, [(item.sku, item.name, item.barcode)])

    @staticmethod
    def _conditions(text: str) -> list[Condition]:
        """The conditions to try in turn (the first that matches anything answers), as catalogue._match."""
        substring: list[Condition] = []
        if len(text) >= 3 and SEPARATOR not in text:
            substring = [(SUBSTRING, "s.haystack LIKE ?", [_like(fold_case(text))])]
        words = _WORD.findall(text)
        if len(text.split()) < 2:
            if substring or not words:
                return substring
            start = fold_word(words[0])  # one or two characters: one word
            return [(WORD_START, "ws.start = ?", [start])]
        if not words:
            return substring
        # Driven by the longest word's index range (the fewest items), the others checked per item.
        starts = sorted((_like(fold_word(word), anywhere=False) for word in words), key=len, reverse=True)
        where = " AND ".join(["w.word LIKE ?", *[_ALSO_STARTS] * (len(starts) - 1)])
        driven = f"s.seq IN (SELECT w.seq FROM item_name_words w WHERE {where})"
        return [(NAME_WORDS, driven, list[object](starts)), *substring]

    def _candidate_rows(self, text: str, category: str | None) -> list[tuple[str, str]]:
        """(name_key, sku) of the first SEARCH_CAP + 1 matching items in catalogue order, sorted; the
        same keystroke's second question (its count after its page) is answered from the first."""
        last, now = self._last, time.monotonic()
        if last is not None and last[:2] == (text, category) and now - last[2] < CANDIDATES_TTL_S:
            return last[3]
        found = self._read_candidates(text, category)
        self._last = (text, category, now, found)
        return found

    def _read_candidates(self, text: str, category: str | None) -> list[tuple[str, str]]:
        conditions = self._conditions(text)
        for condition in conditions:
            found = self._matching_rows(condition, category)
            if found or condition is conditions[-1]:
                return sorted(found)
        return []

    def _matching_rows(self, condition: Condition, category: str | None) -> list[tuple[str, str]]:
        kind, where, params = condition
        if kind == WORD_START:
            return self._first(_FROM[kind], where, params, category)
        if kind == NAME_WORDS:  # "+ 0": the longest word's items first, then sorted (not the whole table in order)
            return self._first(_FROM[kind], where, params, category, order="s.seq + 0")
        found = self._first(_FIRST_ITEMS, where, params, category)
        if len(found) > SEARCH_CAP:
            return found
        # "+ 0": sorted after the trigram index's bitmap, not read in the primary key's order.
        return self._first(_FROM[kind], where, params, category, order="s.seq + 0")

    def _first(self, tables: str, where: str, params: list[object], category: str | None,
               order: str = "s.seq") -> list[tuple[str, str]]:
        sql = f"SELECT s.name_key, s.sku FROM {tables}"
        if category:
            sql += " JOIN items c ON c.sku = s.sku"
            where, params = f"{where} AND c.category = ?", [*params, category]
        rows = self.db.query(f"{sql} WHERE {where} ORDER BY {order} LIMIT {SEARCH_CAP + 1}", params)
        return [(row[0], row[1]) for row in rows]

    def search(self, text: str = "", category: str | None = None, *, limit: int = 200,
               offset: int = 0) -> list[Item]:
        local = self._searched()
        if local is not None:
            return local.search(text, category, limit=limit, offset=offset)
        text = text.strip()
        if not text:
            return super().search(text, category, limit=limit, offset=offset)
        page = [sku for _, sku in self._candidate_rows(text, category)[:SEARCH_CAP][offset:offset + limit]]
        if not page:
            return []
        items = {row["sku"]: self._item(row) for row in self.db.query("SELECT * FROM items WHERE sku = ANY(?)",
                                                                        (page,))}
        return [items[sku] for sku in page if sku in items]

    def match_count(self, text: str = "", category: str | None = None) -> int:
        local = self._searched()
        if local is not None:
            return local.match_count(text, category)
        text = text.strip()
        if not text:
            return super().match_count(text, category)
        return len(self._candidate_rows(text, category))


def fill_pg_name_keys(catalogue: PgDatabase) -> None:
    """Items without their natural-order key (written before migration 16) get it, in one transaction;
    items without their search rows (before migration 19, or written outside the store) get those."""
    rows = catalogue.query("SELECT sku, name FROM items WHERE name_key = ''")
    if rows:
        with catalogue.transaction() as conn:
            conn.executemany("UPDATE items SET name_key = ? WHERE sku = ?",
                             [(natural_key(row["name"]), row["sku"]) for row in rows])
    fill_missing(catalogue)
