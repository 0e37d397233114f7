"""The shop's PostgreSQL schema (store/pg_schema.py) is the SQLite schema: same tables, columns, keys, guards.

The structure tests read both from real databases (a migrated SQLite till database and its catalogue
file, a PostgreSQL database migrated by PgDatabase), so a migration added to one list and not the
other fails here, naming the table and column. The guard tests run the same statements on both
backends and expect the same refusal.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading

import psycopg
import pytest

from pos_app.store.catalogue_db import CATALOGUE_MIGRATIONS, open_catalogue_db
from pos_app.store.db import Database
from pos_app.store.migrations import MIGRATIONS
from pos_app.store.pg import PgDatabase
from pos_app.testing.postgres import wait_for_lock_waiters
from pos_app.store.pg_schema import (BASELINE_VERSION, CATALOGUE_VERSION, PG_MIGRATIONS, PG_SOURCES, POSTGRESQL_ONLY,
                                     SQLITE_ONLY)

SQLITE_TYPES = {"INTEGER": "bigint", "TEXT": "text"}
PG_ONLY_TABLES = {"pos_schema"}  # PgDatabase's version table (SQLite keeps PRAGMA user_version)


@pytest.fixture(scope="module")
def sqlite_dbs(tmp_path_factory):
    """A new till database and its catalogue file, migrated to the newest schema."""
    till = Database(tmp_path_factory.mktemp("sqlite-schema") / "pos.sqlite3")
    catalogue = open_catalogue_db(till)
    yield till, catalogue
    catalogue.close()
    till.close()


@pytest.fixture(scope="module")
def shop(postgres_server):
    """A new shop database, migrated by PgDatabase with PG_MIGRATIONS."""
    url = postgres_server.create_database("pg_schema_shop")
    db = PgDatabase(url, migrations=PG_MIGRATIONS)
    yield db
    db.close()
    postgres_server.drop_database("pg_schema_shop")


# -- reading a schema ---------------------------------------------------------------------------------

def _sqlite_tables(db: Database) -> dict[str, Database]:
    """name -> its database, for the tables the shop database must have too."""
    rows = db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    virtual = [r["name"] for r in rows if r["sql"].upper().startswith("CREATE VIRTUAL TABLE")]
    return {r["name"]: db for r in rows
            if r["name"] not in SQLITE_ONLY and not any(r["name"].startswith(f"{v}_") for v in virtual)}


def _sqlite_columns(db: Database, table: str) -> list[tuple[str, str, bool, str | None, bool]]:
    """(name, PostgreSQL type, NOT NULL, default, identity) of each column, in order."""
    info = db.query(f"PRAGMA table_info({table})")
    rowid_alias = [r["name"] for r in info if r["pk"]] if sum(1 for r in info if r["pk"]) == 1 else []
    return [(r["name"], SQLITE_TYPES.get(r["type"], r["type"]), bool(r["notnull"] or r["pk"]), r["dflt_value"],
             r["name"] in rowid_alias and r["type"] == "INTEGER") for r in info]


def _pg_columns(db: PgDatabase, table: str) -> list[tuple[str, str, bool, str | None, bool]]:
    rows = db.query("SELECT column_name, data_type, is_nullable, column_default, is_identity, collation_name"
                    " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
                    " ORDER BY ordinal_position", (table,))
    for r in rows:  # SQLite's BINARY text: byte order, whatever the server's locale
        assert r["data_type"] != "text" or r["collation_name"] == "C", \
            f"{table}.{r['column_name']} is text without COLLATE \"C\""
    return [(r["column_name"], r["data_type"], r["is_nullable"] == "NO", _pg_default(r["column_default"]),
             r["is_identity"] == "YES") for r in rows]


def _pg_default(default: str | None) -> str | None:
    return None if default is None else re.sub(r"::(text|bigint)$", "", default)


def _sqlite_unique_keys(db: Database, table: str) -> set[str]:
    """Each unique key as "(columns)" (a NOCASE column as lower(column)), a partial one by its name."""
    info = db.query(f"PRAGMA table_info({table})")
    keys = {_key(r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"])} if any(r["pk"] for r in info) \
        else set()
    for index in db.query(f"PRAGMA index_list({table})"):
        if not index["unique"]:
            continue
        if index["partial"]:
            keys.add(f"partial index {index['name']}")
            continue
        columns = [c for c in db.query(f"PRAGMA index_xinfo({index['name']})") if c["key"]]
        keys.add(_key(f"lower({c['name']})" if c["coll"] == "NOCASE" else c["name"] for c in columns))
    return keys


def _pg_unique_keys(db: PgDatabase, table: str) -> set[str]:
    rows = db.query("SELECT i.relname AS name, x.indpred IS NOT NULL AS partial,"
                    " array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k)"
                    " AS columns FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                    " WHERE x.indrelid = ?::regclass AND x.indisunique", (table,))
    return {f"partial index {r['name']}" if r["partial"] else _key(c.replace('"', "") for c in r["columns"])
            for r in rows}  # "position" is quoted: a keyword


def _key(columns) -> str:
    return f"({', '.join(columns)})"


def _sqlite_references(db: Database, table: str) -> set[tuple[str, str, str]]:
    return {(r["from"], r["table"], r["to"]) for r in db.query(f"PRAGMA foreign_key_list({table})")}


def _pg_references(db: PgDatabase, table: str) -> set[tuple[str, str, str]]:
    rows = db.query("SELECT a.attname, c.confrelid::regclass::text AS target, t.attname AS target_column"
                    " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                    " JOIN pg_attribute t ON t.attrelid = c.confrelid AND t.attnum = c.confkey[1]"
                    " WHERE c.contype = 'f' AND c.conrelid = ?::regclass", (table,))
    return {(r[0], r[1], r[2]) for r in rows}


def _sqlite_names(db: Database, kind: str) -> set[str]:
    rows = db.query("SELECT name FROM sqlite_master WHERE type = ? AND sql IS NOT NULL", (kind,))
    return {r["name"] for r in rows} - set(SQLITE_ONLY)


def _compare(sqlite_only: set, pg_only: set, what: str) -> list[str]:
    return [f"{what}: only in SQLite {sorted(sqlite_only)}, only in PostgreSQL {sorted(pg_only)}"] \
        if sqlite_only or pg_only else []


# -- the schema ---------------------------------------------------------------------------------------

def test_a_new_shop_database_reaches_the_newest_shop_schema(shop):
    assert shop.schema_version() == max(PG_MIGRATIONS)


def test_every_sqlite_migration_has_its_postgresql_one():
    wanted = {("till", n) for n in range(BASELINE_VERSION + 1, len(MIGRATIONS) + 1)} | \
             {("catalogue", n) for n in range(CATALOGUE_VERSION + 1, len(CATALOGUE_MIGRATIONS) + 1)}
    have = [source for source in PG_SOURCES.values() if source[0] != "postgresql"]
    own = {n: source for n, source in PG_SOURCES.items() if source[0] == "postgresql"}
    assert all(source == ("postgresql", n) for n, source in own.items()), \
        f"a PostgreSQL-only migration names itself: {own}"
    missing, extra = sorted(wanted - set(have)), sorted(set(have) - wanted)
    assert not missing and not extra and len(have) == len(set(have)), \
        f"SQLite migrations without their PostgreSQL one: {missing}; PostgreSQL ones naming none: {extra}: add " \
        "each to PG_MIGRATIONS (store/pg_schema.py) at the next number and say which it is in PG_SOURCES"
    assert sorted(PG_MIGRATIONS) == list(range(BASELINE_VERSION, BASELINE_VERSION + len(PG_SOURCES) + 1))


def test_the_postgresql_only_tables_are_listed_and_made_by_a_postgresql_only_migration(shop):
    """The schema comparison skips POSTGRESQL_ONLY's tables, and only those: each is there, and each is
    created by a migration PG_SOURCES marks ("postgresql", n), never by one that has a SQLite twin."""
    pg_tables = {r[0] for r in shop.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    assert set(POSTGRESQL_ONLY) <= pg_tables
    for table in POSTGRESQL_ONLY:
        makers = [n for n, script in PG_MIGRATIONS.items() if f"CREATE TABLE {table} " in script]
        assert [PG_SOURCES.get(n) for n in makers] == [("postgresql", n) for n in makers] and makers, \
            f"{table} is made by migrations {makers}: {[PG_SOURCES.get(n) for n in makers]}"
    assert sorted(PG_SOURCES) == sorted(PG_MIGRATIONS)[1:]


def test_both_backends_have_the_same_tables_and_columns(sqlite_dbs, shop):
    tables = {**_sqlite_tables(sqlite_dbs[0]), **_sqlite_tables(sqlite_dbs[1])}
    pg_tables = {r[0] for r in shop.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    problems = _compare(set(tables) - pg_tables, pg_tables - set(tables) - PG_ONLY_TABLES - set(POSTGRESQL_ONLY),
                        "tables")
    for table in sorted(set(tables) & pg_tables):
        sqlite_columns, pg_columns = _sqlite_columns(tables[table], table), _pg_columns(shop, table)
        if [c[0] for c in sqlite_columns] != [c[0] for c in pg_columns]:
            problems.append(f"{table}: columns {[c[0] for c in sqlite_columns]} in SQLite, "
                            f"{[c[0] for c in pg_columns]} in PostgreSQL")
            continue
        problems += [f"{table}.{s[0]}: (type, NOT NULL, default, identity) {s[1:]} in SQLite, {p[1:]} in PostgreSQL"
                     for s, p in zip(sqlite_columns, pg_columns) if s != p]
    assert problems == [], "\n".join(problems)


def test_both_backends_have_the_same_keys_references_indexes_and_triggers(sqlite_dbs, shop):
    tables = {**_sqlite_tables(sqlite_dbs[0]), **_sqlite_tables(sqlite_dbs[1])}
    problems: list[str] = []
    for table, db in sorted(tables.items()):
        sqlite_keys, pg_keys = _sqlite_unique_keys(db, table), _pg_unique_keys(shop, table)
        problems += _compare(sqlite_keys - pg_keys, pg_keys - sqlite_keys, f"{table}: unique keys")
        sqlite_refs, pg_refs = _sqlite_references(db, table), _pg_references(shop, table)
        problems += _compare(sqlite_refs - pg_refs, pg_refs - sqlite_refs, f"{table}: references")
    # PostgreSQL has more (the trigram indexes, the TRUNCATE guards): every SQLite one must be there.
    pg_indexes = {r[0] for r in shop.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
    pg_triggers = {r[0] for r in shop.query("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    for kind, there in (("index", pg_indexes), ("trigger", pg_triggers)):
        missing = set().union(*(_sqlite_names(db, kind) for db in sqlite_dbs)) - there
        problems += _compare(missing, set(), f"{kind}es" if kind == "index" else f"{kind}s")
    assert problems == [], "\n".join(problems)


def test_a_migration_runs_as_one_script_with_its_percent_signs_and_dollar_quotes(postgres_server):
    url = postgres_server.create_database("pg_schema_script")
    script = {**PG_MIGRATIONS, max(PG_MIGRATIONS) + 1: "CREATE TABLE t (v text); INSERT INTO t VALUES ('50%');"
              " CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'a?b' $$;"}
    db = PgDatabase(url, migrations=script)
    assert (db.query_one("SELECT v, f() FROM t")[:], db.schema_version()) == (("50%", "a?b"), max(PG_MIGRATIONS) + 1)
    db.close()
    postgres_server.drop_database("pg_schema_script")


# -- the guards, on both backends ---------------------------------------------------------------------

SHIFT = "INSERT INTO shifts (terminal_id, number, currency, opened_at, float_amount) VALUES ('T01', 1, 'GBP', 1, 0)"
COUNTING = "UPDATE shifts SET count_started_at = 2"
CLOSED = "UPDATE shifts SET closed_at = 3, counted_cash = 0"
MOVEMENT = "INSERT INTO cash_movements (shift_id, kind, amount, currency, created_at) " \
           "SELECT id, 'paid_in', 100, 'GBP', 4 FROM shifts"
OPENING = "INSERT INTO drawer_openings (shift_id, reason, kicked, created_at) SELECT id, 'no_sale', 1, 4 FROM shifts"
ENTRY = "INSERT INTO journal (till, seq, at, user_name, type, payload, training, prev_hash, hash) " \
        "VALUES ('T01', 1, 1, NULL, 'login', '{}', 0, '', 'h1')"
USER = "INSERT INTO users (name, role, pin_hash, created_at, updated_at) VALUES ('Ann', 'manager', 'h', 1, 1)"
CART = "INSERT INTO carts (uuid, state, created_at, updated_at) VALUES ('{uuid}', '{state}', 1, 1)"
REFUSED = object()  # a CHECK, UNIQUE or REFERENCES refusal, whose words differ between the backends

GUARDS = {  # (rows first, the statement, the message both refuse it with; None: both accept it)
    "journal refuses an update": ([ENTRY], "UPDATE journal SET type = 'sale'", "the journal is append-only"),
    "journal refuses a delete": ([ENTRY], "DELETE FROM journal", "the journal is append-only"),
    "no movement while counted": ([SHIFT, COUNTING], MOVEMENT, "blind count under way"),
    "a movement when not counted": ([SHIFT], MOVEMENT, None),
    "a movement after the count closed": ([SHIFT, COUNTING, CLOSED], MOVEMENT, None),
    "movements refuse an update": ([SHIFT, MOVEMENT], "UPDATE cash_movements SET amount = 1",
                                   "cash movements are append-only"),
    "movements refuse a delete": ([SHIFT, MOVEMENT], "DELETE FROM cash_movements", "cash movements are append-only"),
    "openings refuse a delete": ([SHIFT, OPENING], "DELETE FROM drawer_openings", "drawer openings are append-only"),
    "a closed shift stays closed": ([SHIFT, CLOSED], "UPDATE shifts SET report = 'x'", "a closed shift is immutable"),
    "shifts are never deleted": ([SHIFT], "DELETE FROM shifts", "shifts are never deleted"),
    "users are never deleted": ([USER], "DELETE FROM users", "users are disabled, never deleted"),
    "user names are unique in any case": ([USER], USER.replace("'Ann'", "'ANN'"), REFUSED),
    "a cart state is one of four": ([], CART.format(uuid="u1", state="lost"), REFUSED),
    "a parked cart has its label": ([], CART.format(uuid="u1", state="parked"), REFUSED),
    "one active cart": ([CART.format(uuid="u1", state="open")], CART.format(uuid="u2", state="frozen"), REFUSED),
    "parked and closed carts beside the active one": (
        [CART.format(uuid="u1", state="open"), CART.format(uuid="u2", state="closed")],
        "INSERT INTO carts (uuid, state, created_at, updated_at, parked_at, park_label, park_total)"
        " VALUES ('u3', 'parked', 1, 1, 1, 'Table 4', 100)", None),
    "a cart line needs its cart": ([], "INSERT INTO cart_lines (cart_id, sku, qty, position) VALUES (99, 'a', 1, 1)",
                                   REFUSED),
    "a cash tender needs its cash": (
        [SHIFT, CART.format(uuid="u1", state="open")],
        "INSERT INTO tenders (cart_id, cart_uuid, part, kind, status, amount, currency, shift_id, snapshot,"
        " created_at, updated_at) SELECT c.id, 'u1', 1, 'cash', 'pending', 100, 'GBP', s.id, '{}', 1, 1"
        " FROM carts c, shifts s", REFUSED),
}


class _Undo(Exception):
    """Rolls a guard's rows back: each case starts from empty tables."""


def _outcome(db: Database | PgDatabase, rows: list[str], statement: str) -> str | None:
    """The refusal's message (None if accepted), the rows and the statement rolled back either way."""
    refused: str | None = None
    with contextlib.suppress(_Undo), db.transaction() as conn:
        for row in rows:
            conn.execute(row)
        try:
            conn.execute(statement)
        except sqlite3.IntegrityError as exc:
            refused = str(exc)
        except psycopg.IntegrityError as exc:
            refused = exc.diag.message_primary
        raise _Undo
    return refused


@pytest.mark.parametrize("case", GUARDS)
def test_a_guard_refuses_alike_on_both_backends(case, sqlite_dbs, shop):
    rows, statement, message = GUARDS[case]
    outcomes = (_outcome(sqlite_dbs[0], rows, statement), _outcome(shop, rows, statement))
    if message is REFUSED:
        assert None not in outcomes, f"refused on SQLite, PostgreSQL: {outcomes}"
    else:
        assert outcomes == (message, message)


@pytest.mark.parametrize("statement", ["INSERT INTO items (sku, name, price, currency) VALUES ('a', 'A', -1, 'GBP')",
                                       "INSERT INTO items (sku, name, price, currency, open_price)"
                                       " VALUES ('a', 'A', 1, 'GBP', 2)"])
def test_the_catalogue_refuses_a_negative_price_and_a_bad_flag(statement, sqlite_dbs, shop):
    outcomes = (_outcome(sqlite_dbs[1], [], statement), _outcome(shop, [], statement))
    assert None not in outcomes, f"refused on SQLite, PostgreSQL: {outcomes}"


@pytest.mark.parametrize(("table", "message"), [
    ("journal", "the journal is append-only"), ("cash_movements", "cash movements are append-only"),
    ("drawer_openings", "drawer openings are append-only"), ("shifts", "shifts are never deleted"),
    ("users", "users are disabled, never deleted")])
def test_truncate_cannot_get_round_the_row_triggers(table, message, shop):
    """PostgreSQL only: TRUNCATE deletes without firing row triggers (SQLite has no TRUNCATE)."""
    assert _outcome(shop, [], f"TRUNCATE {table} CASCADE") == message


def test_a_count_started_by_another_till_holds_back_a_movement_already_waiting(postgres_server):
    """Read committed would let the movement read the shift as it was before the count; the trigger's
    FOR SHARE waits for the count's commit and then refuses."""
    url = postgres_server.create_database("pg_schema_count_race")
    counting, selling = PgDatabase(url, migrations=PG_MIGRATIONS), PgDatabase(url, migrations=PG_MIGRATIONS)
    with counting.transaction() as conn:
        conn.execute(SHIFT)
    refused: list[str] = []

    def sell() -> None:
        try:
            with selling.transaction() as conn:
                conn.execute(MOVEMENT)
        except sqlite3.IntegrityError as exc:  # PgConnection raises PostgreSQL's refusal as the store's one type
            refused.append(str(exc))

    with counting.transaction() as conn:
        conn.execute(COUNTING)
        seller = threading.Thread(target=sell)
        seller.start()
        wait_for_lock_waiters(url)
    seller.join(10)
    assert refused == ["blind count under way"]
    assert counting.count("SELECT count(*) FROM cash_movements") == 0
    counting.close()
    selling.close()
    postgres_server.drop_database("pg_schema_count_race")

