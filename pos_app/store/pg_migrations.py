"""The shop database's migrations after the baseline (pg_schema.py): SQLite's later ones, in PostgreSQL's dialect.

A new SQLite migration (migrations_later.py, or the catalogue file's in catalogue_db.py) gets its
twin here at the next number, and PG_SOURCES says which one it is: the two SQLite files number
apart, the shop database is one (tests/integration/postgres/test_pg_schema.py checks both).
"""

from __future__ import annotations

LATER_MIGRATIONS: dict[int, str] = {
    # 15 (issue 18): a card part taken on a Terminal reader names it, and keeps the customer's tip.
    15: """
    ALTER TABLE tenders ADD COLUMN reader_id text COLLATE "C";
    ALTER TABLE tenders ADD COLUMN tip bigint NOT NULL DEFAULT 0 CHECK (tip >= 0);
    """,
    # 16 = the catalogue file's 3 (issue 20): names in natural order by a stored key, compared as bytes ("C").
    16: """
    ALTER TABLE items ADD COLUMN name_key text COLLATE "C" NOT NULL DEFAULT '';
    DROP INDEX items_name;
    DROP INDEX items_category_name;
    CREATE INDEX items_name_key ON items (name_key, sku);
    CREATE INDEX items_category_name_key ON items (category, name_key, sku);
    """,
    # 17 = the till's 16 (issue 19): carts and orders name their till; each till's receipt series.
    17: """
    ALTER TABLE carts ADD COLUMN till text COLLATE "C" NOT NULL DEFAULT '';
    DROP INDEX carts_one_active;
    CREATE UNIQUE INDEX carts_one_active ON carts (till) WHERE state IN ('open', 'frozen');
    DROP INDEX carts_parked;
    CREATE INDEX carts_parked ON carts (till, parked_at) WHERE state = 'parked';
    ALTER TABLE orders ADD COLUMN till text COLLATE "C" NOT NULL DEFAULT '';
    CREATE INDEX orders_till_created ON orders (till, created_at);
    CREATE TABLE receipt_series (
        till text COLLATE "C" PRIMARY KEY,
        prefix text COLLATE "C" NOT NULL UNIQUE,
        last bigint NOT NULL CHECK (last >= 0)
    );
    """,
    # 18 = the till's 17 (issue 19): one journal entry per (till, seq); refunds name their till.
    18: """
    CREATE UNIQUE INDEX journal_till_seq ON journal (till, seq);
    ALTER TABLE refunds ADD COLUMN till text COLLATE "C" NOT NULL DEFAULT '';
    CREATE INDEX refunds_till_status ON refunds (till, status);
    """,
    # 19, PostgreSQL only (issue 19): the search indexes of pg_search_index.py, written by the store (the
    # folds are Python's, search_fold.py), in place of the baseline's trigram indexes on items.
    19: """
    DROP INDEX items_name_trgm;
    DROP INDEX items_sku_trgm;
    DROP INDEX items_barcode_trgm;
    CREATE TABLE item_search (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sku text COLLATE "C" NOT NULL UNIQUE REFERENCES items (sku) ON DELETE CASCADE,
        haystack text COLLATE "C" NOT NULL,
        name_key text COLLATE "C" NOT NULL
    );
    CREATE INDEX item_search_trgm ON item_search USING gin (haystack gin_trgm_ops);
    CREATE TABLE item_word_starts (
        start text COLLATE "C" NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (start, seq)
    );
    CREATE INDEX item_word_starts_seq ON item_word_starts (seq);
    CREATE TABLE item_name_words (
        seq bigint NOT NULL,
        word text COLLATE "C" NOT NULL,
        PRIMARY KEY (seq, word)
    );
    CREATE INDEX item_name_words_word ON item_name_words (word, seq);
    """,
    # 20 = the till's 18 (issue 19): the order history's amount and last-four searches by index.
    20: """
    CREATE INDEX orders_total ON orders (total, currency);
    CREATE INDEX orders_card_last4 ON orders (card_last4);
    """,
    # 21, PostgreSQL only (issue 19): what a till's local search replica (catalogue_replica.py) follows.
    # `changed`: the id of the transaction that last wrote an item's search row (the store writes one
    # with every item); a till reads the rows written by transactions its last snapshot did not see,
    # so a write that commits late is never skipped, nor one read again.
    21: """
    ALTER TABLE item_search ADD COLUMN changed xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX item_search_changed ON item_search (changed, seq);
    """,
}

#: Which SQLite migration each PostgreSQL one after the baseline is: ("till", n) of migrations.py's list,
#: ("catalogue", n) of catalogue_db.py's. The two SQLite files number apart; the shop database is one.
#: ("postgresql", n): a migration of the shop database alone (its own search indexes), twin of none.
PG_SOURCES: dict[int, tuple[str, int]] = {15: ("till", 15), 16: ("catalogue", 3), 17: ("till", 16), 18: ("till", 17),
                                         19: ("postgresql", 19), 20: ("till", 18),
                                         21: ("postgresql", 21)}
