"""A catalogue import on one till of a shop while another changes its cart, on one PostgreSQL database.

    python benchmarks/import_while_selling.py [--items 50000] [--json]

Two tills' stores (each its own connections) on one shop database on a throwaway server: till 2
imports --items new items in its one transaction (the store's import, search rows included) while
till 1 keeps adding a line and searching; the same changes are timed first without an import (the
baseline, same run). tests/integration/payments/test_import_while_selling.py asserts the behaviour
(with sales through the sandbox); this prints the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.stats import summary  # noqa: E402


def _items(n: int) -> list:
    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    return [Item(sku=f"IMP-{i:07d}", name=f"Imported Crème {i % 977} Chocolat {i}", price=Money(199, "usd"),
                 category="Imported", barcode=f"2{i:012d}") for i in range(n)]


def _changes(store, sku: str, until, least: int = 50) -> tuple[list[float], list[float]]:
    """(cart change ms, search ms) until `until()` is true and at least `least` of each."""
    adds: list[float] = []
    searches: list[float] = []
    while not until() or len(adds) < least:
        t0 = time.perf_counter()
        store.carts.set_qty(sku, 1 + len(adds) % 5)  # a change every time, the cart stays small
        t1 = time.perf_counter()
        store.catalogue.search("cho", None, limit=100)
        t2 = time.perf_counter()
        adds.append((t1 - t0) * 1000)
        searches.append((t2 - t1) * 1000)
    return adds, searches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    from pos_app.store.catalogue_import import import_items
    from pos_app.testing.postgres import PostgresServer

    with PostgresServer() as server:
        url = server.create_database("bench_import")
        seller = open_store(url, PricingPolicy(), seed_demo=True, till="till-1", receipt_series="T01")
        importer = open_store(url, PricingPolicy(), till="till-2", receipt_series="T02")
        sku = seller.catalogue.search("", limit=1)[0].sku
        baseline = _changes(seller, sku, lambda: True, least=200)
        done = threading.Event()
        held: dict[str, float] = {}

        def run_import() -> None:
            t0 = time.perf_counter()
            import_items(importer.catalogue.db, "usd", _items(args.items))
            held["s"] = time.perf_counter() - t0
            done.set()

        worker = threading.Thread(target=run_import)
        worker.start()
        during = _changes(seller, sku, done.is_set)
        worker.join()
        seller.close()
        importer.close()
    out = {"items_imported": args.items, "import_s": round(held["s"], 2),
           "cart_add_no_import": summary(baseline[0]), "cart_add_during_import": summary(during[0]),
           "search_no_import": summary(baseline[1]), "search_during_import": summary(during[1])}
    print(json.dumps(out, indent=2) if args.json else out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
