"""The catalogue on the shop's PostgreSQL database: the search of catalogue.py, with pg_trgm for FTS5.

The rules are SQLite's (catalogue.py, docs/architecture.md "Search"): one word of three characters
or more is a substring of the name, sku or barcode (case-insensitive; the pg_trgm GIN indexes
answer ILIKE); one or two characters start a word of the name or sku; several words each start a
word of the name, in any order, and only when no item matches so is the whole text a substring.
At most SEARCH_CAP + 1 candidates, then sorted by the natural-order key and the sku.
"""

from __future__ import annotations

import re
from pos_app.domain.item import Item
from pos_app.domain.natural_order import natural_key
from pos_app.store.catalogue import _WORD, SEARCH_CAP, CatalogueStore
from pos_app.store.pg import PgDatabase

Condition = tuple[str, list[object]]


def _like(text: str) -> str:
    """text as an ILIKE pattern matching it anywhere, its own wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _word_start(word: str) -> str:
    """A regular expression: `word` starts a word (PostgreSQL's \\m), case aside."""
    return r"\m" + re.escape(word)


class PgCatalogueStore(CatalogueStore):
    """CatalogueStore whose search runs on PostgreSQL (everything else is the shared SQL)."""

    @staticmethod
    def _conditions(text: str) -> list[Condition]:
        """The WHERE conditions to try in turn (the first that matches anything answers)."""
        substring: list[Condition] = []
        if len(text) >= 3:
            pattern = _like(text)
            substring = [("(name ILIKE ? OR sku ILIKE ? OR barcode ILIKE ?)", [pattern] * 3)]
        words = _WORD.findall(text)
        if len(text.split()) < 2:
            if substring or not words:
                return substring
            start = " ".join(words)  # one or two characters: one word, or none
            return [("(name ~* ? OR sku ~* ?)", [_word_start(start), _word_start(start)])]
        if not words:
            return substring
        prefixes: Condition = (" AND ".join("name ~* ?" for _ in words), [_word_start(w) for w in words])
        return [prefixes, *substring]

    def _candidate_sql(self, text: str, category: str | None) -> tuple[str, list[object]] | None:
        """SELECT of the skus of at most SEARCH_CAP + 1 matching items, or None if nothing can match."""
        conditions = self._conditions(text)
        if not conditions:
            return None
        chosen = conditions[0]
        for condition in conditions:
            chosen = condition
            sql, params = self._where(condition, category, 1)
            if self.db.query_one(sql, params) is not None:
                break
        return self._where(chosen, category, SEARCH_CAP + 1)

    @staticmethod
    def _where(condition: Condition, category: str | None, limit: int) -> tuple[str, list[object]]:
        where, params = condition
        if category:
            where, params = f"{where} AND category = ?", [*params, category]
        return f"SELECT sku FROM items WHERE {where} LIMIT {limit}", params

    def search(self, text: str = "", category: str | None = None, *, limit: int = 200,
               offset: int = 0) -> list[Item]:
        text = text.strip()
        if not text:
            return super().search(text, category, limit=limit, offset=offset)
        candidates = self._candidate_sql(text, category)
        if candidates is None:
            return []
        sql, params = candidates
        rows = self.db.query(f"SELECT i.* FROM items i WHERE i.sku IN ({sql}) ORDER BY i.name_key, i.sku"
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
    """Items without their natural-order key (written before migration 16) get it, in one transaction."""
    rows = catalogue.query("SELECT sku, name FROM items WHERE name_key = ''")
    if not rows:
        return
    with catalogue.transaction() as conn:
        conn.executemany("UPDATE items SET name_key = ? WHERE sku = ?",
                         [(natural_key(row["name"]), row["sku"]) for row in rows])
