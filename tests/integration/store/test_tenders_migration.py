"""Migration 7 on a copy of a schema-6 till database: orders rebuilt (payment_intent nullable), nothing lost."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from pos_app.store.migrations import MIGRATIONS

ORDER = ("INSERT INTO orders (id, number, created_at, currency, subtotal, tax, total, refunded, payment_intent,"
         " cart_uuid, card_brand, card_last4, tax_by_rate) VALUES (?, ?, 100, 'usd', ?, 0, ?, ?, ?, ?, 'visa',"
         " '4242', '[]')")


def schema_6_database(path) -> None:
    """A till database as schema 6 left it, with two sales, a refund and a cash movement on one."""
    conn = sqlite3.connect(path)
    conn.executescript(";".join(MIGRATIONS[:6]) + "\nPRAGMA user_version = 6;")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("INSERT INTO carts (id, uuid, state, created_at, updated_at) VALUES (1, 'c1', 'closed', 1, 1)")
    conn.execute(ORDER, (1, "000001", 1000, 1000, 0, "pi_one", "c1"))
    conn.execute(ORDER, (2, "000002", 2500, 2500, 500, "pi_two", "c2"))
    conn.execute("INSERT INTO order_lines VALUES (1, 1, 'item1', 'Item 1', 2, 500, 1000, 0)")
    conn.execute("INSERT INTO order_lines VALUES (2, 1, 'item2', 'Item 2', 1, 2500, 2500, 0)")
    conn.execute("INSERT INTO refunds (order_id, seq, idempotency_key, refund_id, amount, currency, status,"
                 " created_at) VALUES (2, 1, 'refund-pi_two-1', 're_1', 500, 'usd', 'succeeded', 200)")
    conn.execute("INSERT INTO shifts (id, terminal_id, number, currency, opened_at, float_amount)"
                 " VALUES (1, 'till-1', 1, 'usd', 50, 0)")
    conn.execute("INSERT INTO cash_movements (shift_id, kind, amount, currency, order_id, created_at)"
                 " VALUES (1, 'sale', 1000, 'usd', 1, 60)")
    conn.commit()
    conn.close()


def test_a_schema_6_database_migrates_without_loss(tmp_path):
    original = tmp_path / "original.sqlite3"
    schema_6_database(original)
    copy = tmp_path / "pos.sqlite3"
    shutil.copy(original, copy)

    with open_store(copy, PricingPolicy()) as store:
        assert store.db.query_one("PRAGMA user_version")[0] == len(MIGRATIONS)
        assert [(o.number, o.total, o.refunded, o.payment_intent, o.card_last4)
                for o in reversed(store.orders.recent())] == [
            ("000001", 1000, 0, "pi_one", "4242"), ("000002", 2500, 500, "pi_two", "4242")]
        assert [line.sku for line in store.orders.get(1).lines] == ["item1"]
        assert [r.refund_id for r in store.orders.refunds_for(2)] == ["re_1"]
        assert [r.order_id for r in store.cash.for_shift(1)] == [1]
        assert store.db.query("PRAGMA foreign_key_check") == []
        indexes = {r["name"] for r in store.db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"orders_created", "tenders_order", "tenders_cart"} <= indexes
        conn = store.db.conn
        # A cash sale's order has no PaymentIntent; two of them are fine, one PI is still unique.
        conn.execute(ORDER, (3, "000003", 300, 300, 0, None, "c3"))
        conn.execute(ORDER, (4, "000004", 300, 300, 0, None, "c4"))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(ORDER, (5, "000005", 300, 300, 0, "pi_one", "c5"))
        with pytest.raises(sqlite3.IntegrityError):  # the references to orders hold on the new table
            conn.execute("INSERT INTO order_lines (order_id, position, sku, name, qty, unit_price, line_total,"
                         " tax_rate_bp) VALUES (99, 1, 'x', 'X', 1, 1, 1, 0)")
    assert sqlite3.connect(original).execute("PRAGMA user_version").fetchone()[0] == 6  # the copy only


def test_a_migration_that_would_break_a_reference_changes_nothing(tmp_path):
    """The runner checks the foreign keys it held off before it commits (db.Database._apply)."""
    path = tmp_path / "pos.sqlite3"
    schema_6_database(path)
    broken = [*MIGRATIONS, "DELETE FROM orders WHERE id = 1;"]  # order_lines and cash_movements point at it
    from pos_app.store.db import Database
    from pos_app.store.faults import DamagedDatabase

    with pytest.raises(DamagedDatabase, match="would break"):
        Database(path, migrations=broken)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)  # the good ones committed
    assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 2
