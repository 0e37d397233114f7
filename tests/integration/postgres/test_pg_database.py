"""PgDatabase (store/pg.py): the store's Database interface over a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest

from pos_app.store.faults import DamagedDatabase
from pos_app.store.pg import PgDatabase, ShopDatabaseUnavailable, sql_for_pg, _redacted

SCHEMA = {14: "CREATE TABLE orders (id bigserial PRIMARY KEY, number text UNIQUE NOT NULL, total bigint NOT NULL)"}


@pytest.fixture
def shop_url(postgres_server, request):
    name = "db_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")[:50]
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


def test_placeholders_are_translated_outside_literals_only():
    assert sql_for_pg("SELECT * FROM t WHERE a = ? AND b LIKE ? ESCAPE '\\'") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE %s ESCAPE '\\'"
    assert sql_for_pg("SELECT '?', 'a%b', \"q?\" FROM t WHERE x = ?") == \
        "SELECT '?', 'a%%b', \"q?\" FROM t WHERE x = %s"
    assert sql_for_pg("SELECT 5 % 2") == "SELECT 5 %% 2"


def test_rows_read_by_index_and_by_name(shop_url):
    db = PgDatabase(shop_url, migrations=SCHEMA)
    with db.transaction() as conn:
        conn.execute("INSERT INTO orders (number, total) VALUES (?, ?)", ("T01-000001", 1250))
    row = db.query_one("SELECT number, total FROM orders WHERE number = ?", ("T01-000001",))
    assert (row[0], row["total"], row.keys()) == ("T01-000001", 1250, ["number", "total"])
    assert db.count("SELECT count(*) FROM orders") == 1
    db.close()


def test_a_failed_transaction_changes_nothing(shop_url):
    db = PgDatabase(shop_url, migrations=SCHEMA)
    with pytest.raises(RuntimeError), db.transaction() as conn:
        conn.execute("INSERT INTO orders (number, total) VALUES (?, ?)", ("T01-000001", 100))
        raise RuntimeError("the sale failed after its first write")
    assert db.count("SELECT count(*) FROM orders") == 0
    db.close()


def test_a_new_database_is_migrated_once_even_by_two_tills_at_once(shop_url):
    later = {**SCHEMA, 15: "ALTER TABLE orders ADD COLUMN till text NOT NULL DEFAULT 'T01'"}
    opened: list[PgDatabase] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PgDatabase(shop_url, migrations=later))
        except BaseException as exc:
            errors.append(exc)

    tills = [threading.Thread(target=open_one) for _ in range(2)]
    for t in tills:
        t.start()
    for t in tills:
        t.join(30)
    assert errors == [] and len(opened) == 2
    assert [db.schema_version() for db in opened] == [15, 15]
    for db in opened:
        db.close()


def test_a_database_at_a_newer_schema_is_refused_and_left_alone(shop_url):
    newer = {**SCHEMA, 15: "CREATE TABLE later_thing (id int)"}
    PgDatabase(shop_url, migrations=newer).close()
    with pytest.raises(DamagedDatabase, match=r"newer pos-app.*schema 15.*knows 14"):
        PgDatabase(shop_url, migrations=SCHEMA)
    db = PgDatabase(shop_url, migrations=newer)
    assert db.schema_version() == 15
    db.close()


def test_a_server_that_is_down_says_so_without_the_password():
    with pytest.raises(ShopDatabaseUnavailable, match="shop database can't be reached") as caught:
        PgDatabase("postgresql://pos:s3cret@127.0.0.1:1/shop", migrations=SCHEMA)
    assert "s3cret" not in str(caught.value)
    assert _redacted("postgresql://pos:s3cret@db.shop:5432/x") == "postgresql://pos@db.shop:5432/x"
