"""The till database's migrations from 9 on (the journal, the staff, refunds by shift and group, ...).

Appended to migrations.py's list; the same rule holds: a released migration is never edited.
"""

from __future__ import annotations

LATER_MIGRATIONS: list[str] = [
    # 9: the journal (issue 17). Every event that changes money, stock or who is at the till, per till
    # a hash chain: sequence number, time, user, type, canonical JSON payload, the previous entry's
    # hash and its own (domain/journal.py). Append-only: the triggers refuse an UPDATE or a DELETE
    # whatever code asks; an edit made around them (the triggers dropped) is what `pos-app journal
    # verify` finds. Stored order is the row id; the chain's order is the sequence number.
    """
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        till TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq > 0),
        at INTEGER NOT NULL,
        user_name TEXT,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        training INTEGER NOT NULL CHECK (training IN (0, 1)),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX journal_till ON journal (till, id);
    CREATE INDEX journal_at ON journal (at);
    CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
    """,
    # 10: the staff (issue 17). Users log in with a PIN (an Argon2id hash, never the PIN); they are
    # disabled, never deleted (the journal names them). A till's run of wrong PINs and its lock-out
    # survive a restart.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
    BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END;
    CREATE TABLE pin_lockouts (
        till TEXT PRIMARY KEY,
        failures INTEGER NOT NULL CHECK (failures >= 0),
        locked_until INTEGER NOT NULL,
        lockouts INTEGER NOT NULL CHECK (lockouts >= 0)
    );
    """,
    # 11: refunds. A refund split over a sale's tenders is one group of rows (group_id: the first
    # row's id; NULL on the first row itself and on a refund of one row), so its refunded lines,
    # kept on the first row, count while any row of the group is live. Each refund belongs to the
    # shift it was made in (shift_id, set when it is reserved; NULL for rows before this
    # migration and for a card refund made with no shift open). A refund asked for over HTTP
    # may carry the client's Idempotency-Key (on the group's first row), as a cash tender does.
    """
    ALTER TABLE refunds ADD COLUMN group_id INTEGER REFERENCES refunds (id);
    ALTER TABLE refunds ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
    ALTER TABLE refunds ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX refunds_request_key ON refunds (request_key) WHERE request_key IS NOT NULL;
    CREATE INDEX refunds_shift ON refunds (shift_id);
    """,
    # 12: the blind count is the shift's, not one process's memory: count_started_at is set while a
    # count of the open shift is under way, so a restarted till, the endpoint and the command line
    # all see it (and hide the expected cash). While it is set the drawer's contents hold still: no
    # cash movement goes into the shift, whichever code or process asks (the service refuses first,
    # with a clearer message; this is the last word). It stays set on the closed shift: when its count began.
    """
    ALTER TABLE shifts ADD COLUMN count_started_at INTEGER;
    CREATE TRIGGER cash_movements_hold_still_while_counted BEFORE INSERT ON cash_movements
    WHEN (SELECT count_started_at FROM shifts WHERE id = new.shift_id AND closed_at IS NULL) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'blind count under way'); END;
    """,
    # 13: discounts and prices (issue 17). A cart line's terms (a manager's price override or an
    # open-price item's typed price, a discount) and the cart's order discount (sku ''); a sale's
    # lines keep what they were sold at besides the catalogue (their own discount and share of the
    # order's, the catalogue price an override replaced, the reasons), the order its discount.
    """
    CREATE TABLE cart_terms (
        cart_id INTEGER NOT NULL REFERENCES carts (id),
        sku TEXT NOT NULL,
        unit_price INTEGER CHECK (unit_price IS NULL OR unit_price >= 0),
        override_reason TEXT NOT NULL DEFAULT '',
        discount_kind TEXT CHECK (discount_kind IS NULL OR discount_kind IN ('percent', 'amount')),
        discount_value INTEGER CHECK (discount_value IS NULL OR discount_value > 0),
        discount_reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (cart_id, sku)
    );
    ALTER TABLE order_lines ADD COLUMN line_discount INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE order_lines ADD COLUMN order_share INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE order_lines ADD COLUMN discount_reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE order_lines ADD COLUMN list_price INTEGER;
    ALTER TABLE order_lines ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE orders ADD COLUMN order_discount TEXT;
    """,
    # 14: parked sales (issue 17). A parked cart is neither the active cart nor closed: it keeps its
    # row, lines, terms and UUID in the new state 'parked', with when, by whom and under which label
    # it was parked, and its total then (what the list of parked sales shows; a recall prices its
    # lines from the catalogue again, as a restart does, and clears them; a parked cart that turns
    # out paid closes with them, its sale recorded). A state of its own, not a flag beside
    # 'closed': every "closed for good" rule (a paid or voided cart) stays true as it is, and the
    # index that allows one active cart counts 'open' and 'frozen' only. SQLite can't change a CHECK,
    # so carts is rebuilt as orders was in 7 (new table, copy, drop, rename; the runner holds foreign
    # keys off and checks them before it commits) and its index made again.
    """
    CREATE TABLE carts_rebuilt (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'frozen', 'parked', 'closed')),
        in_doubt INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        voided_at INTEGER,
        parked_at INTEGER,
        parked_by TEXT,
        park_label TEXT,
        park_total INTEGER,
        CHECK (state != 'parked' OR (parked_at IS NOT NULL AND park_label IS NOT NULL AND park_total IS NOT NULL))
    );
    INSERT INTO carts_rebuilt (id, uuid, state, in_doubt, created_at, updated_at, voided_at)
        SELECT id, uuid, state, in_doubt, created_at, updated_at, voided_at FROM carts;
    DROP TABLE carts;
    ALTER TABLE carts_rebuilt RENAME TO carts;
    CREATE UNIQUE INDEX carts_one_active ON carts ((state IN ('open', 'frozen'))) WHERE state IN ('open', 'frozen');
    CREATE INDEX carts_parked ON carts (parked_at) WHERE state = 'parked';
    """,
    # 15 (issue 18): card-present tenders. A card part taken on a Stripe Terminal reader names the
    # reader (tmr_...; NULL for the card page), and keeps the customer's tip (minor units, 0 when
    # the shop takes none): the tip is captured with the part's amount but is no part of the sale's
    # total (the tender's `amount` is what it applies to the sale).
    """
    ALTER TABLE tenders ADD COLUMN reader_id TEXT;
    ALTER TABLE tenders ADD COLUMN tip INTEGER NOT NULL DEFAULT 0 CHECK (tip >= 0);
    """,
    # 16 (issue 19): what is per till once tills share one database. Carts (the active one and the
    # parked ones) and orders name their till (POS_TERMINAL_ID); rows from before are the till's
    # that opens the file next ('' until then: till_rows.adopt_rows). Each till numbers its
    # receipts in its own series, gap-free: `last` moves in the sale's own transaction.
    """
    ALTER TABLE carts ADD COLUMN till TEXT NOT NULL DEFAULT '';
    DROP INDEX carts_one_active;
    CREATE UNIQUE INDEX carts_one_active ON carts (till) WHERE state IN ('open', 'frozen');
    DROP INDEX carts_parked;
    CREATE INDEX carts_parked ON carts (till, parked_at) WHERE state = 'parked';
    ALTER TABLE orders ADD COLUMN till TEXT NOT NULL DEFAULT '';
    CREATE INDEX orders_till_created ON orders (till, created_at);
    CREATE TABLE receipt_series (
        till TEXT PRIMARY KEY,
        prefix TEXT NOT NULL UNIQUE,
        last INTEGER NOT NULL CHECK (last >= 0)
    );
    """,
    # 17 (issue 19): many tills, one database. A till's journal chain can hold each number once
    # (UNIQUE (till, seq)): two writers that both read the same head can never both chain to it,
    # the second is refused and its change rolls back with it. A refund names the till that made it
    # ('' before: till_rows.adopt_rows), so a till's reconcile retries its own pending refunds only,
    # never another till's whose answer is on its way.
    """
    CREATE UNIQUE INDEX journal_till_seq ON journal (till, seq);
    ALTER TABLE refunds ADD COLUMN till TEXT NOT NULL DEFAULT '';
    CREATE INDEX refunds_till_status ON refunds (till, status);
    """,
    # 18 (issue 19): the order history's searches at a shop's size (a million orders): a total typed
    # as an amount and a card's last four digits are looked up by index, not by reading every order
    # (docs/benchmarks.md, "Shop scale"). A number is UNIQUE already, a PaymentIntent too (its start is
    # a range of that index: order_search.py), a day is a range of orders_created.
    """
    CREATE INDEX orders_total ON orders (total, currency);
    CREATE INDEX orders_card_last4 ON orders (card_last4);
    """,
]
