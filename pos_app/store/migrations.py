"""The till database's schema: its migrations, in order, applied by Database (PRAGMA user_version).

Migrations 1-8 (the till, its tenders and cash office) are here; 9 on are in migrations_later.py.

A migration, once released, is never edited: a change is a new migration at the end.
"""

from __future__ import annotations

from pos_app.store.fts_triggers import BULK_AWARE_TRIGGERS
from pos_app.store.migrations_later import LATER_MIGRATIONS

__all__ = ["BULK_AWARE_TRIGGERS", "MIGRATIONS"]

MIGRATIONS: list[str] = [
    # 1: catalogue, active cart, payment ledger, orders, refunds
    """
    CREATE TABLE items (
        sku TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        currency TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '',
        barcode TEXT UNIQUE,
        tax_rate_bp INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX items_name ON items (name COLLATE NOCASE);
    CREATE INDEX items_category_name ON items (category, name COLLATE NOCASE);
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        sku, name, barcode, content='items', content_rowid='rowid', tokenize='trigram'
    );
    CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
    END;
    CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;

    CREATE TABLE carts (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'frozen', 'closed')),
        in_doubt INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX carts_one_active ON carts (state IS 'closed') WHERE state != 'closed';
    CREATE TABLE cart_lines (
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0),
        position INTEGER NOT NULL,
        PRIMARY KEY (cart_id, sku)
    ) WITHOUT ROWID;

    CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        cart_uuid TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        payment_intent TEXT UNIQUE,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        final INTEGER NOT NULL DEFAULT 0,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX payments_open ON payments (final, cart_id);

    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        currency TEXT NOT NULL,
        subtotal INTEGER NOT NULL,
        tax INTEGER NOT NULL,
        total INTEGER NOT NULL,
        refunded INTEGER NOT NULL DEFAULT 0,
        payment_intent TEXT NOT NULL UNIQUE,
        cart_uuid TEXT NOT NULL,
        card_brand TEXT,
        card_last4 TEXT,
        tax_by_rate TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX orders_created ON orders (created_at);
    CREATE TABLE order_lines (
        order_id INTEGER NOT NULL REFERENCES orders (id),
        position INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        qty INTEGER NOT NULL,
        unit_price INTEGER NOT NULL,
        line_total INTEGER NOT NULL,
        tax_rate_bp INTEGER NOT NULL,
        PRIMARY KEY (order_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE refunds (
        id INTEGER PRIMARY KEY,
        order_id INTEGER NOT NULL REFERENCES orders (id),
        seq INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        refund_id TEXT UNIQUE,
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        reason TEXT,
        status TEXT NOT NULL,
        lines TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        UNIQUE (order_id, seq)
    );
    CREATE INDEX refunds_created ON refunds (created_at);
    """,
    # 2: search that stays fast on big catalogues. Name indexes carry the sku (the tie-breaker of
    # every ORDER BY), and a word index answers 1-2 character queries as word prefixes
    # ("mi" finds Milk and Mild) without walking the whole name index.
    """
    DROP INDEX items_name;
    CREATE INDEX items_name ON items (name COLLATE NOCASE, sku);
    DROP INDEX items_category_name;
    CREATE INDEX items_category_name ON items (category, name COLLATE NOCASE, sku);
    CREATE VIRTUAL TABLE items_words USING fts5 (
        sku, name, content='items', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2'
    );
    INSERT INTO items_words (items_words) VALUES ('rebuild');
    CREATE TRIGGER items_words_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    CREATE TRIGGER items_words_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
    END;
    CREATE TRIGGER items_words_au AFTER UPDATE ON items BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    """,
    # 3: a cart emptied by the cashier is voided (closed with voided_at), never reused for the next
    # customer; payments that can't be recorded as a sale (paid with another amount, or after
    # their cart was voided) wait on a review list for a manager, instead of blocking the till.
    # A refund Stripe answers 'pending' is 'processing' until followed up; a failed one says why.
    """
    ALTER TABLE carts ADD COLUMN voided_at INTEGER;
    ALTER TABLE refunds ADD COLUMN failure_reason TEXT;
    CREATE TABLE payment_reviews (
        id INTEGER PRIMARY KEY,
        payment_intent TEXT NOT NULL UNIQUE,
        ledger_id INTEGER REFERENCES payments (id),
        cart_uuid TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('mismatch', 'paid_after_void')),
        details TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        card_brand TEXT,
        card_last4 TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'refunding', 'refunded')),
        refund_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX payment_reviews_status ON payment_reviews (status, id);
    """,
    # 4: a catalogue import keeps the FTS indexes itself, set-wise per chunk (catalogue_import.py),
    # instead of through the per-row triggers, which cost most of its time. It marks its own
    # transaction with a row in items_bulk_write, deleted before it commits: no other writer
    # (the till, another process, the sqlite3 shell) ever sees the row, so their edits keep
    # firing the triggers, and a crashed import leaves nothing behind (its transaction rolls back).
    """
    CREATE TABLE items_bulk_write (marker INTEGER PRIMARY KEY CHECK (marker = 1));
    DROP TRIGGER items_ai;
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    DROP TRIGGER items_words_ai;
    DROP TRIGGER items_words_ad;
    DROP TRIGGER items_words_au;
    """ + BULK_AWARE_TRIGGERS,
    # 5: the catalogue moves to a file of its own (catalogue_db.py), so an import writes it in one
    # transaction while the till's cart and sale writes, here, never wait for it. Its search
    # indexes and triggers go; the items wait in items_to_move until they are committed in the
    # catalogue file, then that table goes too (catalogue_db.move_items_out).
    """
    DROP TRIGGER items_ai;
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    DROP TRIGGER items_words_ai;
    DROP TRIGGER items_words_ad;
    DROP TRIGGER items_words_au;
    DROP TABLE items_fts;
    DROP TABLE items_words;
    DROP TABLE items_bulk_write;
    DROP INDEX items_name;
    DROP INDEX items_category_name;
    ALTER TABLE items RENAME TO items_to_move;
    """,
    # 6: the cash office. A till sells within a shift (one open per terminal, numbered per
    # terminal, immutable once closed); every movement of cash in or out of the drawer is a row
    # of cash_movements (append-only), so the expected cash is always derived from what happened
    # (domain/cash.py), never kept as a running number; every opening of the drawer is a row of
    # drawer_openings with its reason.
    """
    CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number > 0),
        currency TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        float_amount INTEGER NOT NULL CHECK (float_amount >= 0),
        closed_at INTEGER,
        counted_cash INTEGER CHECK (counted_cash >= 0),
        report TEXT,
        UNIQUE (terminal_id, number),
        CHECK ((closed_at IS NULL) = (counted_cash IS NULL))
    );
    CREATE UNIQUE INDEX shifts_one_open ON shifts (terminal_id) WHERE closed_at IS NULL;
    CREATE TRIGGER shifts_closed_stay_closed BEFORE UPDATE ON shifts WHEN old.closed_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a closed shift is immutable'); END;
    CREATE TRIGGER shifts_never_deleted BEFORE DELETE ON shifts
    BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;

    CREATE TABLE cash_movements (
        id INTEGER PRIMARY KEY,
        shift_id INTEGER NOT NULL REFERENCES shifts (id),
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'change', 'refund', 'paid_in', 'paid_out', 'drop')),
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        order_id INTEGER REFERENCES orders (id),
        reference TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX cash_movements_shift ON cash_movements (shift_id, id);
    CREATE TRIGGER cash_movements_append_only_u BEFORE UPDATE ON cash_movements
    BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;
    CREATE TRIGGER cash_movements_append_only_d BEFORE DELETE ON cash_movements
    BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;

    CREATE TABLE drawer_openings (
        id INTEGER PRIMARY KEY,
        shift_id INTEGER REFERENCES shifts (id),
        reason TEXT NOT NULL CHECK (reason IN ('cash_sale', 'cash_refund', 'paid_in', 'paid_out', 'drop',
                                               'no_sale', 'float', 'count')),
        order_id INTEGER REFERENCES orders (id),
        device TEXT NOT NULL DEFAULT '',
        kicked INTEGER NOT NULL CHECK (kicked IN (0, 1)),
        created_at INTEGER NOT NULL
    );
    CREATE INDEX drawer_openings_shift ON drawer_openings (shift_id, id);
    CREATE TRIGGER drawer_openings_append_only_u BEFORE UPDATE ON drawer_openings
    BEGIN SELECT RAISE(ABORT, 'drawer openings are append-only'); END;
    CREATE TRIGGER drawer_openings_append_only_d BEFORE DELETE ON drawer_openings
    BEGIN SELECT RAISE(ABORT, 'drawer openings are append-only'); END;
    """,
    # 7: tenders. A sale is paid by one or more tenders (cash, card parts) until they cover its
    # total; each is a row with its state (pending -> succeeded | failed | voided), what it
    # applied to the sale, the cash handed over and the change, the card part's ledger row, the
    # shift it was taken in, the priced cart it pays (the sale's snapshot, fixed by its first
    # tender) and, once the tenders cover the total, the order. A refund of a sale paid by tenders
    # goes back to them: each refund row names the tender it went to (a card part, or the cash). An order paid in
    # cash has no PaymentIntent, so orders is rebuilt with payment_intent nullable (still
    # unique): SQLite can't drop a NOT NULL, so a new table is filled, the old one dropped and
    # the new one renamed (the runner holds foreign keys off meanwhile and checks them before
    # it commits), and its index made again.
    """
    CREATE TABLE orders_rebuilt (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        currency TEXT NOT NULL,
        subtotal INTEGER NOT NULL,
        tax INTEGER NOT NULL,
        total INTEGER NOT NULL,
        refunded INTEGER NOT NULL DEFAULT 0,
        payment_intent TEXT UNIQUE,
        cart_uuid TEXT NOT NULL,
        card_brand TEXT,
        card_last4 TEXT,
        tax_by_rate TEXT NOT NULL DEFAULT '[]'
    );
    INSERT INTO orders_rebuilt (id, number, created_at, currency, subtotal, tax, total, refunded, payment_intent,
                                cart_uuid, card_brand, card_last4, tax_by_rate)
        SELECT id, number, created_at, currency, subtotal, tax, total, refunded, payment_intent, cart_uuid,
               card_brand, card_last4, tax_by_rate FROM orders;
    DROP TABLE orders;
    ALTER TABLE orders_rebuilt RENAME TO orders;
    CREATE INDEX orders_created ON orders (created_at);

    CREATE TABLE tenders (
        id INTEGER PRIMARY KEY,
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        cart_uuid TEXT NOT NULL,
        part INTEGER NOT NULL CHECK (part > 0),
        kind TEXT NOT NULL CHECK (kind IN ('cash', 'card')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'voided')),
        amount INTEGER NOT NULL CHECK (amount >= 0),
        currency TEXT NOT NULL,
        tendered INTEGER CHECK (tendered >= 0),
        change_given INTEGER CHECK (change_given >= 0),
        payment_id INTEGER UNIQUE REFERENCES payments (id),
        order_id INTEGER REFERENCES orders (id),
        shift_id INTEGER NOT NULL REFERENCES shifts (id),
        card_brand TEXT,
        card_last4 TEXT,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (cart_id, part),
        CHECK ((kind = 'card') = (payment_id IS NOT NULL)),
        CHECK ((kind = 'cash') = (tendered IS NOT NULL AND change_given IS NOT NULL))
    );
    CREATE INDEX tenders_order ON tenders (order_id);
    CREATE INDEX tenders_cart ON tenders (cart_id, status);
    ALTER TABLE refunds ADD COLUMN tender_id INTEGER REFERENCES tenders (id);
    """,
    # 8: a cash tender asked for over HTTP may carry the client's Idempotency-Key: a retry of the same
    # request (after a lost answer) finds its tender instead of taking the cash twice.
    """
    ALTER TABLE tenders ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX tenders_request_key ON tenders (request_key) WHERE request_key IS NOT NULL;
    """,
    *LATER_MIGRATIONS,
]
