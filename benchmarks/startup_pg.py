"""Benchmark 1b: cold start of a till on a shop's PostgreSQL database (POS_DATABASE_URL), beside SQLite.

The cold-start benchmark (startup.py) with one more variant, interleaved with the others: the
same pos-app entry point with POS_DATABASE_URL set to a durable throwaway PostgreSQL database
holding the same N catalogue items (benchmarks/catalogue.rows), migrated and opened once by a
till before (name keys filled, the till's receipt series made), as a shop's database is when a
till starts. Each child says whether start-up imported psycopg: the SQLite till must not (the
benchmark fails if it does), the PostgreSQL till must, and only after its first screen (the PIN
screen) was up: the store, psycopg and all, opens behind it.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import catalogue, startup

ITEM_COLUMNS = "sku, name, price, currency, category, barcode, tax_rate_bp"


def shop_database(server, n: int) -> str:
    """A migrated shop database of n items, as a till left it: its URL."""
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    from pos_app.store.pg import PgDatabase
    from pos_app.store.pg_schema import PG_MIGRATIONS

    url = server.create_database("coldstart")
    db = PgDatabase(url, migrations=PG_MIGRATIONS)
    try:
        with db.transaction() as conn:
            conn.executemany(f"INSERT INTO items ({ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             list(catalogue.rows(n)))
    finally:
        db.close()
    open_store(url, PricingPolicy("usd"), till="till-1", receipt_series="T01").close()  # the keys, the series
    db = PgDatabase(url, migrations=PG_MIGRATIONS)
    try:
        db.conn.execute("VACUUM ANALYZE")  # as autovacuum leaves a table after a bulk load
    finally:
        db.close()
    return url


def run(n: int, runs: int, work: Path, log=print) -> dict:
    from pos_app.testing.postgres import PostgresServer

    with PostgresServer(durable=True) as server:
        log(f"   filling a shop database with {n:,} items ...")
        url = shop_database(server, n)
        pg_dir = work / "pg-till"
        pg_dir.mkdir()
        extra = {"pos_app_postgresql": (pg_dir, {"POS_DATABASE_URL": url, "POS_TERMINAL_ID": "till-1"})}
        out = startup.run(catalogue.data_dir_with(n, work), runs, log=log, extra=extra)
    if not out["imported"]["pos_app_postgresql"].get("psycopg"):
        raise AssertionError("the till with POS_DATABASE_URL did not import psycopg: did it open the shop database?")
    if out["imported_first_screen"]["pos_app_postgresql"].get("psycopg"):
        raise AssertionError("the till with POS_DATABASE_URL imported psycopg before its PIN screen was up")
    out["target"]["met_ratio_postgresql"] = out["ratio_pos_app_postgresql_vs_bare_window"].get("median", 99) <= 3.0
    out["target"]["sale_screen_ratio_postgresql"] = out["ratio_pos_app_postgresql_sale_screen_vs_bare_window"].get(
        "median")
    return {"items": n, **out}


def print_human(c: dict, fmt) -> None:
    print(f"\n1b. cold start with POS_DATABASE_URL ({c['items']:,} items in each backend), launch -> first "
          "screen (the PIN screen) painted and idle; then the till window (the sale screen) painted and idle")
    for key in ("pos_app", "pos_app_sale_screen", "pos_app_postgresql", "pos_app_postgresql_sale_screen",
                "bare_window"):
        print(f"   {key:32} {fmt(c[key])}")
    print(f"   ratio vs bare window (paired median), first screen: SQLite {c['ratio_vs_bare_window'].get('median')}, "
          f"PostgreSQL {c['ratio_pos_app_postgresql_vs_bare_window'].get('median')}  target <= 3x (judged on the "
          f"first screen): {'met' if c['target']['met_ratio_postgresql'] else 'MISSED'} (PostgreSQL)")
    print(f"   ratio vs bare window (paired median), sale screen: SQLite "
          f"{c['ratio_sale_screen_vs_bare_window'].get('median')}, PostgreSQL "
          f"{c['ratio_pos_app_postgresql_sale_screen_vs_bare_window'].get('median')}")
    print(f"   psycopg imported by the first screen: {c['imported_first_screen']}; by the sale screen: {c['imported']}")
