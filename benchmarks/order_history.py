"""Benchmark: the order history and the day's Z report over 1,000,000 orders, on SQLite and PostgreSQL.

Both backends get the same synthetic history (benchmarks/order_fill.py: 8 tills, 300 sales a day
each, written set-wise), then the history window's own calls run against each, interleaved (one
query on SQLite, the same on PostgreSQL, ...), so drift on a shared machine hits both:

- search (OrderBook.search with the window's SEARCH_LIMIT, orders loaded with their lines): by
  receipt number, amount, day, PaymentIntent id or its start, a card's last four digits;
- paging (OrderBook.recent with the window's PAGE_SIZE at growing offsets) and the count the
  window shows beside it;
- the day report (reports.build_report with the tenders book, no gateway: its check is the
  processor's list call, not the database's) for one full day of the shop's 2,400 sales.

Targets (issue 19): search p95 <= 50 ms, the day report <= 200 ms. PostgreSQL is durable
(fsync on) and ANALYZEd after the fill, as autovacuum would; the SQLite file is as a till leaves it.
Beside each wall-clock figure, the median CPU time this process spent (the whole call on SQLite;
the client's part on PostgreSQL): on a shared machine it says what the call costs, the wall time
what a cashier waits.

    python benchmarks/order_history.py [--orders 1000000] [--runs 5] [--json]
    python benchmarks/run.py --only order_history
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import order_fill  # noqa: E402
from benchmarks import standalone  # noqa: E402
from benchmarks.stats import fmt, now_ms, summary  # noqa: E402

SEARCH_TARGET_MS = 50.0
REPORT_TARGET_MS = 200.0
BACKENDS = ("sqlite", "postgresql")


def queries(n: int) -> dict[str, list[str]]:
    """What a cashier types, by reading; values that exist in a history of n orders."""
    def pi_of(i: int) -> str:
        return f"pi_{(i * 2654435761) % 4294967296:010d}{i:07d}"

    picks = [n * k // 11 for k in range(1, 11)]
    day = order_fill.day_of(n)
    return {
        "number": [f"#{i // order_fill.TILLS + 1}" for i in picks[:5]] + [f"{i // order_fill.TILLS + 1:06d}"
                                                                           for i in picks[5:]],
        "amount": [f"{(100 + (i * 7919) % 19900) * 108 // 100 / 100:.2f}" for i in picks],
        "day": [day.isoformat(), order_fill.FIRST_DAY.isoformat()],
        "payment_intent": [pi_of(i)[:11] for i in picks[:5]] + [pi_of(i) for i in picks[5:]],
        "last4": [f"{(i * 7907) % 10000:04d}" for i in picks],
    }


class History:
    """One backend's store over the filled history."""

    def __init__(self, backend: str, location, n: int, log) -> None:
        from pos_app.domain.pricing import PricingPolicy
        from pos_app.store import open_store
        self.backend = backend
        self.store = open_store(location, PricingPolicy("usd"), till="till-1", receipt_series="T01")
        started = time.perf_counter()
        order_fill.fill(self.store.db, n)
        self.fill_s = round(time.perf_counter() - started, 1)
        self.store.close()  # reopened as a till opens it (a new connection, nothing cached from the fill)
        self.store = open_store(location, PricingPolicy("usd"), till="till-1", receipt_series="T01")
        log(f"   {backend}: {self.store.orders.count():,} orders written in {self.fill_s} s")

    def close(self) -> None:
        self.store.close()


def calls(n: int) -> dict[str, list]:
    """name -> the calls (each store -> its answer) the window and the report make."""
    from pos_app.qt.history_window import SEARCH_LIMIT
    from pos_app.qt.order_models import PAGE_SIZE
    from pos_app.reports import build_report

    day = order_fill.day_of(n)
    out: dict[str, list] = {f"search_{kind}": [lambda s, t=t: s.orders.search(t, "usd", SEARCH_LIMIT) for t in texts]
                            for kind, texts in queries(n).items()}
    out["page_recent"] = [lambda s, k=k: s.orders.recent(PAGE_SIZE, k * PAGE_SIZE) for k in (0, 1, 10, 100)]
    out["count"] = [lambda s: s.orders.count()]
    out["day_report"] = [lambda s: build_report(s.orders, day, "usd", tenders=s.tenders)]
    return out


def size_of(answer) -> int:
    """How many orders an answer holds (a count, a list, a report's sales)."""
    if isinstance(answer, int):
        return answer
    return len(answer) if isinstance(answer, list) else answer.sales_count


def bench(histories: list[History], n: int, runs: int) -> dict:
    timed_calls = calls(n)
    times = {h.backend: {name: [] for name in timed_calls} for h in histories}
    cpu = {h.backend: {name: [] for name in timed_calls} for h in histories}  # this process's CPU time
    rows = {h.backend: dict.fromkeys(timed_calls, 0) for h in histories}
    for r in range(runs + 1):  # the first pass warms caches and is not counted
        for name, fns in timed_calls.items():
            for fn in fns:
                for h in (histories if r % 2 == 0 else histories[::-1]):
                    started, cpu_started = now_ms(), time.process_time()
                    answer = fn(h.store)
                    ms = now_ms() - started
                    if r:
                        times[h.backend][name].append(ms)
                        cpu[h.backend][name].append((time.process_time() - cpu_started) * 1000.0)
                        rows[h.backend][name] = max(rows[h.backend][name], size_of(answer))
    out: dict = {}
    for h in histories:
        figures = {name: {**summary(values), "rows_max": rows[h.backend][name],
                          "cpu_median_ms": round(statistics.median(cpu[h.backend][name]), 3)}
                   for name, values in times[h.backend].items()}
        searches = [v for name, values in times[h.backend].items() if name.startswith(("search_", "page_"))
                    for v in values]
        figures["all_searches_and_pages"] = summary(searches)
        worst = max((name for name in figures if name.startswith(("search_", "page_"))),
                    key=lambda name: figures[name]["p95_ms"])
        figures["target"] = {"search_p95_max_ms": SEARCH_TARGET_MS, "report_max_ms": REPORT_TARGET_MS,
                             "search_met": figures[worst]["p95_ms"] <= SEARCH_TARGET_MS, "slowest_search": worst,
                             "report_met": figures["day_report"]["max_ms"] <= REPORT_TARGET_MS}
        figures["fill_s"] = h.fill_s
        out[h.backend] = figures
    return out


def run(n: int, runs: int, work: Path, log=print, backends=BACKENDS) -> dict:
    from pos_app.testing.postgres import PostgresServer
    histories: list[History] = []
    server = None
    try:
        if "sqlite" in backends:
            histories.append(History("sqlite", work / "history.sqlite3", n, log))
        if "postgresql" in backends:
            server = PostgresServer(durable=True).start()
            histories.append(History("postgresql", server.create_database("history"), n, log))
        log(f"   {len(queries(n)['number']) * 5 + 25} searches and pages, and the day report, {runs} runs each ...")
        figures = bench(histories, n, runs)
    finally:
        for h in histories:
            h.close()
        if server is not None:
            server.stop()
    return {"orders": n, "runs": runs, "day": order_fill.day_of(n).isoformat(),
            "day_sales": min(n, order_fill.per_day()), **figures}


def print_human(r: dict) -> None:
    print(f"\n8. order history over {r['orders']:,} orders (the window's calls; day report for {r['day']}, "
          f"{r.get('postgresql', r.get('sqlite', {})).get('day_report', {}).get('rows_max')} sales)")
    for backend in BACKENDS:
        if backend not in r:
            continue
        f = r[backend]
        print(f"   {backend} (filled in {f['fill_s']} s)")
        for name, v in f.items():
            if isinstance(v, dict) and "n" in v and name != "all_searches_and_pages":
                print(f"     {name:24} {fmt(v)}  rows {v.get('rows_max')}, this process's CPU median "
                      f"{v['cpu_median_ms']:.1f} ms")
        t = f["target"]
        print(f"     search p95 <= {t['search_p95_max_ms']:.0f} ms: {'met' if t['search_met'] else 'MISSED'} "
              f"(slowest: {t['slowest_search']}); day report <= {t['report_max_ms']:.0f} ms: "
              f"{'met' if t['report_met'] else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    backends = tuple(args.backends.split(","))
    return standalone.main("history", args.json, lambda work, log: run(args.orders, args.runs, work, log, backends),
                           print_human)


if __name__ == "__main__":
    sys.exit(main())
