"""Benchmark: 8 tills selling at once against one PostgreSQL, beside one SQLite till, in the same run.

Each till is a real till core in a process of its own: open_store (its POS_TERMINAL_ID, its
receipt series), an open shift, the real StripeGateway and CheckoutService, all against ONE
training sandbox (SandboxServer, in this process: the shop's one Stripe account). A sale is three
lines added to the till's cart, prepare (the PaymentIntent), the card confirmed as the card page
does it (PaymentMethod + confirm with the publishable key), then finalize. Two figures per phase:

- sales per second sustained: sales finalized in the timed window (after a warm-up) / its length;
- "paid" -> "order recorded": from the confirm's answer "succeeded" to finalize's return (the
  processor's retrieve, then the sale's unit of work committed: order, ledger, new cart).

Phases, one after the other over the same sandbox: one SQLite till on its own file; one till on
the shop's PostgreSQL; then 8 tills on it at once. PostgreSQL is durable (fsync on), SQLite is
synchronous=FULL, as the till opens it. After the run the benchmark checks what it made: every
till's receipt numbers are 1..n with no gap or repeat, and the orders equal the sales it counted.

    python benchmarks/shop_tills.py [--tills 8] [--seconds 20] [--json]
    python benchmarks/run.py --only shop_tills
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.stats import fmt, summary  # noqa: E402
from benchmarks import standalone  # noqa: E402

CARD = "4242424242424242"
LINES = 3


def till_settings(data_dir: Path, terminal_id: str, database_url: str, series: str):
    from pos_app.config import Settings
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data_dir, currency="usd", terminal_id=terminal_id, database_url=database_url,
                    receipt_series_setting=series)


def till_worker(settings, sandbox: dict, clock, go, results) -> None:
    """One till's process: open the till's core, say so, wait for the common start, sell until the stop."""
    import logging
    logging.disable(logging.WARNING)
    from pos_app.payments.checkout import CheckoutService
    from pos_app.payments.stripe_gateway import StripeGateway
    from pos_app.store import open_store
    from pos_app.testing.plugin import ensure_open_shift
    from tests.integration.payments.helpers import confirm_as_browser

    store = open_store(settings.database_location, settings.pricing, till=settings.terminal_id,
                       receipt_series=settings.receipt_series, seed_demo=not settings.shared_database)
    try:
        ensure_open_shift(store, settings)
        gateway = StripeGateway(sandbox["secret_key"], sandbox["publishable_key"], api_base=sandbox["sandbox_url"])
        checkout = CheckoutService(store, gateway, settings)
        skus = [r[0] for r in store.catalogue.db.query("SELECT sku FROM items ORDER BY sku LIMIT ?", (LINES,))]
        sales: list[tuple[float, float]] = []  # (paid, recorded), wall-clock seconds
        results.put((settings.terminal_id, "ready", None))
        go.wait()
        start_at, stop_at = clock[0], clock[1]
        time.sleep(max(0.0, start_at - time.time()))
        cpu_started = time.process_time()
        while time.time() < stop_at:
            for sku in skus:
                store.carts.add(sku, 1)
            prepared = checkout.prepare()
            paid = confirm_as_browser(sandbox, prepared.client_secret, CARD)
            paid_at = time.time()
            assert paid.get("status") == "succeeded", paid
            checkout.finalize(prepared.payment_intent)
            sales.append((paid_at, time.time()))
        results.put((settings.terminal_id, (sales, time.process_time() - cpu_started), None))
    except BaseException as exc:  # the parent reports it: a benchmark that failed says why
        results.put((settings.terminal_id, ([], 0.0), repr(exc)))
    finally:
        store.close()


def run_phase(name: str, tills: list, sandbox: dict, seconds: float, warmup: float, log) -> dict:
    context = multiprocessing.get_context("spawn")
    results, go, clock = context.Queue(), context.Event(), context.Array("d", 2)
    processes = [context.Process(target=till_worker, args=(s, sandbox, clock, go, results), daemon=True)
                 for s in tills]
    for p in processes:
        p.start()
    answers = []
    while sum(1 for a in answers if a[1] == "ready" or a[2]) < len(tills):  # each till imported and opened
        answers.append(results.get(timeout=180))
    start_at = time.time() + 0.2
    clock[0], clock[1] = start_at, start_at + warmup + seconds
    go.set()
    sandbox_cpu = time.process_time()  # this process serves the sandbox (and waits)
    stop_at = clock[1]
    answers = [a for a in answers if a[1] != "ready"]
    answers += [results.get(timeout=warmup + seconds + 120) for _ in range(len(tills) - len(answers))]
    sandbox_cpu = time.process_time() - sandbox_cpu
    for p in processes:
        p.join(timeout=30)
    errors = {till: error for till, _sales, error in answers if error}
    if errors:
        raise RuntimeError(f"{name}: till(s) failed: {errors}")
    window = (start_at + warmup, stop_at)
    sales = {till: s for till, (s, _cpu), _e in answers}
    made = sum(len(s) for s in sales.values()) or 1
    timed = [(p, r) for s in sales.values() for p, r in s if window[0] <= r <= window[1]]
    out = {"tills": len(tills), "seconds": seconds, "sales": {t: len(s) for t, s in sales.items()},
           # CPU a sale costs on this machine (tills' processes; the sandbox's, in this one): the
           # PostgreSQL server's own is not counted. 2 CPUs / the sum bounds the sales per second.
           "till_cpu_ms_per_sale": round(sum(cpu for _t, (_s, cpu), _e in answers) * 1000.0 / made, 1),
           "sandbox_cpu_ms_per_sale": round(sandbox_cpu * 1000.0 / made, 1),
           "sales_timed": len(timed), "sales_per_second": round(len(timed) / seconds, 2),
           "per_till_sales_per_second": round(len(timed) / seconds / len(tills), 2),
           "paid_to_recorded": summary([(r - p) * 1000.0 for p, r in timed])}
    log(f"   {name}: {out['sales_per_second']} sales/s, paid -> recorded p95 "
        f"{out['paid_to_recorded'].get('p95_ms')} ms")
    return out


def check_series(location, settings_list: list, counted: dict[str, int]) -> dict:
    """Every till's numbers are its series 1..n, no gap or repeat, and n is the sales it made."""
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    store = open_store(location, PricingPolicy("usd"), till="bench-check", receipt_series="CHECK")
    try:
        problems = []
        for s in settings_list:
            numbers = [r[0] for r in store.db.query("SELECT number FROM orders WHERE till = ? ORDER BY number",
                                                    (s.terminal_id,))]
            prefix = f"{s.receipt_series}-" if s.receipt_series else ""
            expected = [f"{prefix}{k:06d}" for k in range(1, counted[s.terminal_id] + 1)]
            if numbers != expected:
                problems.append(f"{s.terminal_id}: {len(numbers)} numbers, expected {len(expected)} "
                                f"({numbers[:2]}...{numbers[-2:]})")
        total = store.orders.count()
    finally:
        store.close()
    if total != sum(counted.values()):
        problems.append(f"{total} orders for {sum(counted.values())} sales")
    if problems:
        raise AssertionError("the shop's orders are not what its tills sold: " + "; ".join(problems))
    return {"orders": total, "series_gap_free": True}


def run(tills: int, seconds: float, work: Path, warmup: float = 3.0, log=print) -> dict:
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.sandbox import SandboxServer, SandboxState
    from pos_app.store import open_store
    from pos_app.testing.postgres import PostgresServer

    server = PostgresServer(durable=True).start()
    sandbox = SandboxServer(SandboxState(work / "sandbox.sqlite3"))
    sandbox.start()
    try:
        shop_url = server.create_database("shop")
        open_store(shop_url, PricingPolicy("usd"), seed_demo=True, till="bench-seed", receipt_series="SEED").close()
        browser = {"sandbox_url": sandbox.url, "publishable_key": sandbox.publishable_key,
                   "secret_key": sandbox.secret_key}
        sqlite_till = till_settings(work / "sqlite-till", "till-1", "", "")
        solo = till_settings(work / "pg-solo", "till-solo", shop_url, "S01")
        shop = [till_settings(work / f"pg-{i}", f"till-{i}", shop_url, f"T{i:02d}") for i in range(1, tills + 1)]
        out = {"sqlite_1_till": run_phase("1 SQLite till", [sqlite_till], browser, seconds, warmup, log),
               "postgresql_1_till": run_phase("1 PostgreSQL till", [solo], browser, seconds, warmup, log),
               f"postgresql_{tills}_tills": run_phase(f"{tills} PostgreSQL tills", shop, browser, seconds, warmup,
                                                      log)}
        on_shop = {**out["postgresql_1_till"]["sales"], **out[f"postgresql_{tills}_tills"]["sales"]}
        out["check_sqlite"] = check_series(sqlite_till.database_location, [sqlite_till],
                                           out["sqlite_1_till"]["sales"])
        out["check_postgresql"] = check_series(shop_url, [solo, *shop], on_shop)
    finally:
        sandbox.stop()
        server.stop()
    out["tills"] = tills
    out["warmup_s"] = warmup
    out["lines_per_sale"] = LINES
    return out


def print_human(r: dict) -> None:
    print(f"\n9. a shop's tills selling at once (real till cores, one sandbox, {r['lines_per_sale']} lines a sale)")
    for key in ("sqlite_1_till", "postgresql_1_till", f"postgresql_{r['tills']}_tills"):
        p = r[key]
        print(f"   {key:20} {p['sales_per_second']:>6} sales/s ({p['per_till_sales_per_second']} a till), "
              f"paid -> recorded {fmt(p['paid_to_recorded'])}; CPU a sale: till {p['till_cpu_ms_per_sale']} ms, "
              f"sandbox {p['sandbox_cpu_ms_per_sale']} ms")
    print(f"   checked: {r['check_postgresql']['orders']} PostgreSQL orders and {r['check_sqlite']['orders']} SQLite "
          "orders, every till's receipt numbers 1..n with no gap")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tills", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    return standalone.main("shop", args.json, lambda work, log: run(args.tills, args.seconds, work, log=log),
                           print_human)


if __name__ == "__main__":
    sys.exit(main())
