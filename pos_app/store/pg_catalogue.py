"""The catalogue on the shop's PostgreSQL database: SQLite's search (catalogue.py) over pg_search_index's tables.

The rules are SQLite's (catalogue.py, docs/architecture.md "Search"), and so are the candidates:
- one word of three characters or more: a substring of the name, sku or barcode, case-blind
  (item_search.haystack, pg_trgm GIN);
- one or two characters: the start of a word of the name or sku, diacritics aside
  (item_word_starts, one btree range already in catalogue order: no scan, no sort);
- several words: each starts a word of the name, in any order (item_name_words), and only when
  no item matches so, the whole text as a substring.
The first SEARCH_CAP + 1 candidates in catalogue order (item_search.seq, insertion order as
SQLite's rowid), then sorted by the natural-order key and the sku: the same items as SQLite for
the same catalogue (tests/integration/postgres/test_pg_search.py compares the two).
"""

from __future__ import annotations

from pos_app.domain.item import Item
from pos_app.domain.natural_order import natural_key
from pos_app.store.catalogue import _WORD, SEARCH_CAP, CatalogueStore
from pos_app.store.pg import PgDatabase
from pos_app.store.pg_search_index import SEPARATOR, fill_missing, write_search_rows
from pos_app.store.search_fold import fold_case, fold_word

#: The candidates' tables (item_search s and what drives it), their WHERE and its parameters.
Condition = tuple[str, str, list[object]]

_ITEMS = "item_search s"
#: One or two characters: driven by the (start, seq) index, already in catalogue order.
_BY_WORD_START = "item_word_starts ws JOIN item_search s ON s.seq = ws.seq"

#: What each word of several must start: a word of the name.
_NAME_WORD_STARTS = "EXISTS (SELECT 1 FROM item_name_words w WHERE w.seq = s.seq AND w.word LIKE ?)"


def _like(text: str, anywhere: bool = True) -> str:
    """text as a LIKE pattern (its own wildcards taken literally): anywhere, or at the start."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ("%" if anywhere else "") + escaped + "%"


class PgCatalogueStore(CatalogueStore):
    """CatalogueStore whose search runs on PostgreSQL (everything else is the shared SQL)."""

    @staticmethod
    def _written(conn: object, item: Item) -> None:
        write_search_rows(conn, [(item.sku, item.name, item.barcode)])

    @staticmethod
    def _conditions(text: str) -> list[Condition]:
        """The conditions to try in turn (the first that matches anything answers), as catalogue._match."""
        substring: list[Condition] = []
        if len(text) >= 3 and SEPARATOR not in text:
            substring = [(_ITEMS, "s.haystack LIKE ?", [_like(fold_case(text))])]
        words = _WORD.findall(text)
        if len(text.split()) < 2:
            if substring or not words:
                return substring
            start = fold_word(words[0])  # one or two characters: one word
            return [(_BY_WORD_START, "ws.start = ?", [start])]
        if not words:
            return substring
        starts = [_like(fold_word(word), anywhere=False) for word in words]
        return [(_ITEMS, " AND ".join([_NAME_WORD_STARTS] * len(starts)), list(starts)), *substring]

    def _candidate_sql(self, text: str, category: str | None) -> tuple[str, list[object]] | None:
        """SELECT of the skus of at most SEARCH_CAP + 1 matching items, or None if nothing can match."""
        conditions = self._conditions(text)
        if not conditions:
            return None
        for condition in conditions[:-1]:  # the last one answers whatever it finds: no probe first
            if self.db.query_one(*self._where(condition, category, 1)) is not None:
                return self._where(condition, category, SEARCH_CAP + 1)
        return self._where(conditions[-1], category, SEARCH_CAP + 1)

    @staticmethod
    def _where(condition: Condition, category: str | None, limit: int) -> tuple[str, list[object]]:
        tables, where, params = condition
        sql = f"SELECT s.sku FROM {tables}"
        if category:
            sql += " JOIN items c ON c.sku = s.sku"
            where, params = f"{where} AND c.category = ?", [*params, category]
        return f"{sql} WHERE {where} ORDER BY s.seq LIMIT {limit}", params

    def search(self, text: str = "", category: str | None = None, *, limit: int = 200,
               offset: int = 0) -> list[Item]:
        text = text.strip()
        if not text:
            return super().search(text, category, limit=limit, offset=offset)
        candidates = self._candidate_sql(text, category)
        if candidates is None:
            return []
        sql, params = candidates
        rows = self.db.query(f"SELECT i.* FROM ({sql}) m JOIN items i ON i.sku = m.sku ORDER BY i.name_key, i.sku"
                             " LIMIT ? OFFSET ?", (*params, min(limit, max(SEARCH_CAP - offset, 0)), offset))
        return [self._item(r) for r in rows]

    def match_count(self, text: str = "", category: str | None = None) -> int:
        text = text.strip()
        if not text:
            return super().match_count(text, category)
        candidates = self._candidate_sql(text, category)
        if candidates is None:
            return 0
        sql, params = candidates
        return self._count(f"SELECT count(*) FROM ({sql}) m", params)


def fill_pg_name_keys(catalogue: PgDatabase) -> None:
    """Items without their natural-order key (written before migration 16) get it, in one transaction;
    items without their search rows (before migration 18, or written outside the store) get those."""
    rows = catalogue.query("SELECT sku, name FROM items WHERE name_key = ''")
    if rows:
        with catalogue.transaction() as conn:
            conn.executemany("UPDATE items SET name_key = ? WHERE sku = ?",
                             [(natural_key(row["name"]), row["sku"]) for row in rows])
    fill_missing(catalogue)
