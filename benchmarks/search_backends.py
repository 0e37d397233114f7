"""The catalogue search per keystroke on both backends at 1,000,000 items, the store alone (issue 19).

    python benchmarks/search_backends.py [--items 1000000] [--reps 3] [--json] [--shop-url URL]
                                         [--backends sqlite,postgresql,postgresql_replica]

The same synthetic catalogue (benchmarks/catalogue.py) in a SQLite catalogue file and in a shop
database on a throwaway PostgreSQL server (pos_app.testing.postgres), written by the store's own
import (so PostgreSQL's search tables are the store's), searched three ways: the SQLite till; the
shop database's own search (pg_trgm, what a command without a local copy uses); and a selling
till on the shop database, which searches its local copy (store/catalogue_replica.py: its first
copy is timed too). Each keystroke of gui.QUERIES is timed as the
window spends it: one page (CatalogueStore.search, PAGE_SIZE items) and, when the page is full,
match_count. Backends interleaved keystroke by keystroke; the first pass is a warm-up.
--shop-url: a shop database this script filled before (the same --items), kept between runs: filling
1,000,000 items through the store's import takes a long time on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import catalogue  # noqa: E402
from benchmarks.gui import QUERIES  # noqa: E402
from benchmarks.stats import summary  # noqa: E402


BACKENDS = ("sqlite", "postgresql", "postgresql_replica")


def _keystroke_ms(store, typed: str, page: int) -> float:
    t0 = time.perf_counter()
    if len(store.search(typed, None, limit=page)) == page:
        store.match_count(typed, None)
    return (time.perf_counter() - t0) * 1000


def _fill_shop(url: str, n: int) -> float:
    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    from pos_app.store.catalogue_import import import_items
    from pos_app.store.pg import PgDatabase
    from pos_app.store.pg_schema import PG_MIGRATIONS

    db = PgDatabase(url, migrations=PG_MIGRATIONS)
    t0 = time.perf_counter()
    items = (Item(sku=r[0], name=r[1], price=Money(r[2], r[3]), category=r[4], barcode=r[5], tax_rate_bp=r[6])
             for r in catalogue.rows(n))
    import_items(db, catalogue.CURRENCY, items)
    db.close()
    return time.perf_counter() - t0


def _open_with_replica(stores: dict, url: str, pricing, data_dir: Path) -> float:
    """A selling till's store on the shop database ("postgresql_replica"), its search on its local copy
    (store/catalogue_replica.py), made afresh here: the seconds its first copy took."""
    from pos_app.store import open_store

    copy = data_dir / "shop-catalogue.sqlite3"
    for stale in data_dir.glob(copy.name + "*"):
        stale.unlink()
    t0 = time.perf_counter()
    store = stores["postgresql_replica"] = open_store(url, pricing, catalogue_replica=copy)
    if not store.catalogue.replica.wait_ready(3600):
        raise RuntimeError("the local copy of the catalogue never caught up")
    return round(time.perf_counter() - t0, 1)


def _idle_catch_up_ms(replica, runs: int = 20) -> dict:
    """What following the shop costs a till per poll when nothing changed (one catch-up, timed)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        replica.catch_up()
        times.append((time.perf_counter() - t0) * 1000)
    return summary(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--shop-url", help="a shop database already filled with --items items")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="which to time, interleaved (the shop database's own search loads the server's CPU, "
                             "which the others share on a small machine)")
    args = parser.parse_args(argv)
    import psycopg

    from pos_app.domain.pricing import PricingPolicy
    from pos_app.qt.catalogue_model import PAGE_SIZE
    from pos_app.store import open_store
    from pos_app.testing.postgres import PostgresServer

    data_dir = catalogue.data_dir_with(args.items, Path(tempfile.gettempdir()))
    with contextlib.ExitStack() as stack:
        url, fill_s = args.shop_url, None
        if not url:
            url = stack.enter_context(PostgresServer()).create_database("bench_search")
            fill_s = round(_fill_shop(url, args.items), 1)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        pricing = PricingPolicy(currency=catalogue.CURRENCY)
        stores = {"sqlite": open_store(data_dir / "pos.sqlite3", pricing),
                  "postgresql": open_store(url, pricing)}
        copy_s = _open_with_replica(stores, url, pricing, data_dir)
        idle_poll = _idle_catch_up_ms(stores["postgresql_replica"].catalogue.replica)
        for name in set(stores) - set(args.backends.split(",")):
            stores.pop(name).close()
        times: dict[str, list[float]] = {name: [] for name in stores}
        slowest: dict[str, list[tuple[float, str]]] = {name: [] for name in stores}
        for rep in range(args.reps + 1):
            for query in QUERIES:
                for n in range(1, len(query) + 1):
                    for name, store in stores.items():
                        ms = _keystroke_ms(store.catalogue, query[:n], PAGE_SIZE)
                        if rep:
                            times[name].append(ms)
                            slowest[name].append((round(ms, 2), query[:n]))
        for store in stores.values():
            store.close()
    shutil.rmtree(data_dir, ignore_errors=True)
    out = {"items": args.items, "queries": QUERIES, "page_size": PAGE_SIZE, "shop_import_s": fill_s,
           "replica_first_copy_s": copy_s, "replica_idle_catch_up": idle_poll,
           **{name: {"keystroke": summary(ms), "slowest": sorted(set(slowest[name]), reverse=True)[:6]}
              for name, ms in times.items()}}
    print(json.dumps(out, indent=2) if args.json else out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
