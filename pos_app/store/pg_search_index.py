"""The shop database's search indexes (PG migration 19), written by the store beside every item it writes.

SQLite's FTS5 indexes fold text in C; here the folds are Python's (search_fold.py), so the store
writes the folded rows itself, in the item's transaction, a few statements per chunk of items:
- item_search: one row per item: `seq`, the catalogue order (an identity: insertion order, kept
  when the item changes, as SQLite's rowid), the `haystack` the trigram GIN index answers a
  substring from (name, sku and barcode case-folded, joined by a unit separator, U+001F), and the
  name's natural-order key, so the candidates are sorted here and only a page of items is read.
- item_word_starts: the first one and two characters of every word of the name and the sku
  (SQLite's prefix='1 2' index): a one- or two-character query is one btree range, in seq order.
- item_name_words: every word of the name: several words each start one (btree on word, seq).
Items written outside the store get their rows when a till next opens the database (fill_missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pos_app.domain.natural_order import natural_key
from pos_app.store.search_fold import fold_case, folded_words, word_starts

#: Joins the haystack's fields: no query contains it (pg_catalogue refuses one), so no substring spans two.
SEPARATOR = "\x1f"

_UPSERT = ("INSERT INTO item_search (sku, haystack, name_key) SELECT * FROM unnest(?::text[], ?::text[], ?::text[])"
           " ON CONFLICT (sku) DO UPDATE SET haystack = excluded.haystack, name_key = excluded.name_key,"
           " changed = pg_current_xact_id()"
           " RETURNING sku, seq")


def haystack(sku: str, name: str, barcode: str | None) -> str:
    return SEPARATOR.join(fold_case(part) for part in (name, sku, barcode or ""))


def write_search_rows(conn: Any, items: Sequence[tuple[str, str, str | None]]) -> None:
    """(sku, name, barcode) of items just written: their search rows, replaced, in conn's transaction."""
    if not items:
        return
    seqs = dict(conn.execute(_UPSERT, ([sku for sku, _, _ in items],
                                       [haystack(sku, name, barcode) for sku, name, barcode in items],
                                       [natural_key(name) for _, name, _ in items])).fetchall())
    changed = list(seqs.values())
    conn.execute("DELETE FROM item_word_starts WHERE seq = ANY(?)", (changed,))
    conn.execute("DELETE FROM item_name_words WHERE seq = ANY(?)", (changed,))
    starts = [(start, seqs[sku]) for sku, name, _ in items for start in word_starts(name, sku)]
    words = [(seqs[sku], word) for sku, name, _ in items for word in set(folded_words(name))]
    conn.execute("INSERT INTO item_word_starts (start, seq) SELECT * FROM unnest(?::text[], ?::bigint[])",
                 ([s for s, _ in starts], [q for _, q in starts]))
    conn.execute("INSERT INTO item_name_words (seq, word) SELECT * FROM unnest(?::bigint[], ?::text[])",
                 ([q for q, _ in words], [w for _, w in words]))


def fill_missing(db: Any, chunk: int = 5_000) -> None:
    """Items without their search rows (from before migration 19, or written outside the store) get
    them, in the table's physical order, one transaction."""
    rows = db.query("SELECT i.sku, i.name, i.barcode FROM items i WHERE NOT EXISTS"
                    " (SELECT 1 FROM item_search s WHERE s.sku = i.sku) ORDER BY i.ctid")
    if not rows:
        return
    items = [(row[0], row[1], row[2]) for row in rows]
    with db.transaction() as conn:
        for start in range(0, len(items), chunk):
            write_search_rows(conn, items[start:start + chunk])
