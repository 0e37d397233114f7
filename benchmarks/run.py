"""Run pos-app's benchmarks and print their figures (they never fail on speed).

    python benchmarks/run.py                # everything, human-readable figures
    python benchmarks/run.py --json         # one JSON object with every figure on stdout
    python benchmarks/run.py --quick --json # a small smoke run (CI): checks that it all still runs
    python benchmarks/run.py --profile      # also write pyinstrument profiles to docs/profiles/
    python benchmarks/run.py --only search,scan

Benchmarks: cold_start, http_cart, search, scan, charge, sale, sandbox, import, and at a shop's scale
cold_start_pg, order_history, shop_tills (PostgreSQL: a throwaway durable server each; see docs/benchmarks.md).
Each reports min / median / p95 / max over repeated runs after a warm-up, and a ratio against a
baseline measured in the same run (interleaved). Synthetic catalogues are generated once and
cached outside the repository (benchmarks/catalogue.py; POS_BENCH_CACHE to choose where).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import catalogue  # noqa: E402

ALL = ("cold_start", "http_cart", "search", "scan", "charge", "sale", "sandbox", "import",
       "cold_start_pg", "order_history", "shop_tills")
PROFILES = ROOT / "docs" / "profiles"


def plan(quick: bool) -> dict:
    if quick:
        return {"cold_start_items": 1_000, "cold_start_runs": 1, "http_items": 1_000, "http_lines": 1_000,
                "http_runs": 5, "search_sizes": [1_000, 2_000], "search_reps": 1, "scan_runs": 3,
                "charge_runs": 1, "sale_runs": 1, "sandbox_sizes": [20, 200], "sandbox_runs": 3,
                "import_rows": 2_000, "import_runs": 1, "history_orders": 5_000, "history_runs": 1,
                "shop_tills": 2, "shop_seconds": 1.0, "shop_warmup": 0.5}
    return {"cold_start_items": 100_000, "cold_start_runs": 10, "http_items": 100_000, "http_lines": 1_000,
            "http_runs": 60, "search_sizes": [1_000, 100_000, 250_000], "search_reps": 3, "scan_runs": 60,
            "charge_runs": 10, "sale_runs": 5, "sandbox_sizes": [100, 10_000], "sandbox_runs": 40,
            "import_rows": 100_000, "import_runs": 3, "history_orders": 1_000_000, "history_runs": 5,
            "shop_tills": 8, "shop_seconds": 20.0, "shop_warmup": 3.0}


def machine() -> dict:
    def first(path: str, key: str) -> str | None:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            return None
        return None

    mem_kb = first("/proc/meminfo", "MemTotal")
    info = {"nproc": os.cpu_count(), "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
            "ram_gb": round(int(mem_kb.split()[0]) / 1024 / 1024, 1) if mem_kb else None,
            "os": platform.platform(), "python": platform.python_version()}
    try:
        import PySide6
        from PySide6 import QtCore
        info["pyside6"] = PySide6.__version__
        info["qt"] = QtCore.qVersion()
    except ImportError:
        pass
    info["sqlite"] = __import__("sqlite3").sqlite_version
    try:
        info["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                            text=True, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["git_commit"] = None
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run (small catalogues, few runs)")
    parser.add_argument("--profile", action="store_true", help=f"write pyinstrument profiles to {PROFILES}")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    logging.disable(logging.WARNING)  # the app's INFO/WARNING lines are not figures

    def log(text: str) -> None:
        print(text, file=sys.stderr if args.json else sys.stdout, flush=True)

    settings = plan(args.quick)
    work = Path(tempfile.mkdtemp(prefix="pos-bench-"))
    started = time.time()
    result: dict = {"command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                    "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "quick": args.quick, "plan": settings,
                    "machine": machine()}
    try:
        if "cold_start" in only:
            from benchmarks import startup
            n = settings["cold_start_items"]
            log(f"1. cold start: pos-app over {n:,} items vs a bare PySide6 window ...")
            data_dir = catalogue.data_dir_with(n, work)
            result["cold_start"] = {"items": n, **startup.run(data_dir, settings["cold_start_runs"], log=log)}
            if args.profile:
                startup.profile(data_dir, PROFILES / "cold_start.txt")
        if "http_cart" in only:
            from benchmarks import http_cart
            n = settings["http_items"]
            log(f"4. cart over HTTP: PUT on a 1-line vs {settings['http_lines']:,}-line cart, whole-cart POST ...")
            dirs = (catalogue.data_dir_with(n, work), catalogue.data_dir_with(n, work))
            result["http_cart"] = {"items": n, **http_cart.run(
                dirs, settings["http_lines"], settings["http_runs"],
                profile_to=PROFILES / "http_put_1000_lines.txt" if args.profile else None, log=log)}
        if "sandbox" in only:
            from benchmarks import sandbox
            sizes = settings["sandbox_sizes"]
            log(f"5. a training sale after {sizes[0]:,} vs {sizes[-1]:,} PaymentIntents in the sandbox ...")
            result["sandbox"] = sandbox.run(sizes, settings["sandbox_runs"], work, log=log)
        if "import" in only:
            from benchmarks import catalogue_import
            n = settings["import_rows"]
            log(f"7. catalogue import of {n:,} CSV rows vs bare executemany + FTS5 rebuild ...")
            result["import"] = catalogue_import.run(n, settings["import_runs"], work, log=log)
        result.update(run_shop_benchmarks(only, settings, work, log))
        gui_parts = [p for p in ("search", "scan", "charge", "sale") if p in only]
        if gui_parts:
            result.update(run_gui_benchmarks(gui_parts, settings, work, args.profile, log))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["elapsed_s"] = round(time.time() - started, 1)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_human(result)
    return 0


def run_shop_benchmarks(only: list[str], settings: dict, work: Path, log) -> dict:
    """The shop-scale ones (issue 19): each starts its own durable PostgreSQL server."""
    out: dict = {}
    if "cold_start_pg" in only:
        from benchmarks import startup_pg
        n = settings["cold_start_items"]
        log(f"1b. cold start with POS_DATABASE_URL: pos-app over {n:,} items on PostgreSQL and on SQLite ...")
        out["cold_start_pg"] = startup_pg.run(n, settings["cold_start_runs"], work, log=log)
    if "order_history" in only:
        from benchmarks import order_history
        n = settings["history_orders"]
        log(f"8. order history and the day report over {n:,} orders, SQLite and PostgreSQL ...")
        out["order_history"] = order_history.run(n, settings["history_runs"], work, log=log)
    if "shop_tills" in only:
        from benchmarks import shop_tills
        log(f"9. {settings['shop_tills']} tills selling at once on PostgreSQL, beside one SQLite till ...")
        out["shop_tills"] = shop_tills.run(settings["shop_tills"], settings["shop_seconds"], work,
                                           warmup=settings["shop_warmup"], log=log)
    return out


def run_gui_benchmarks(parts: list[str], settings: dict, work: Path, profile: bool, log) -> dict:
    from benchmarks import gui

    out: dict = {}
    _app, warm_page = gui.start_qt()  # the QApplication must stay referenced
    tills: list[gui.Till] = []
    try:
        sizes = settings["search_sizes"]
        if "search" in parts or "scan" in parts:
            for n in sizes:
                log(f"   opening the till over {n:,} items ...")
                tills.append(gui.Till(catalogue.data_dir_with(n, work), n))
        if "search" in parts:
            log(f"2. catalogue search through the window at {', '.join(f'{n:,}' for n in sizes)} items ...")
            queries = gui.QUICK_QUERIES if settings["search_reps"] <= 1 else gui.QUERIES
            out["search"] = gui.bench_search(tills, queries, settings["search_reps"], log=log)
            if profile:
                _profile_search(tills[-1], queries, PROFILES / f"search_{tills[-1].label}.txt")
        if "scan" in parts:
            log("3. barcode scan -> line in cart, committed ...")
            out["scan"] = gui.bench_scan(tills, catalogue.sample, settings["scan_runs"], log=log)
            if profile:
                _profile_scan(tills[-1], PROFILES / f"scan_{tills[-1].label}.txt")
        for till in tills[:-1]:
            till.close()
        tills = tills[-1:]
        if "charge" in parts or "sale" in parts:
            n = sizes[-1] if tills else sizes[0]
            till = tills[0] if tills else gui.Till(catalogue.data_dir_with(n, work), n)
            tills = [till]
            items = catalogue.sample(n, 3, seed="sale")
            if "charge" in parts:
                log("5. Charge (F12) -> card form ready, training mode, warm ...")
                out["charge"] = {"items": n, **gui.bench_charge(till, [sku for sku, _n, _b in items],
                                                                   settings["charge_runs"], log=log)}
            if "sale" in parts:
                log("6. end-to-end sale: 3 scans, F12, card typed, Pay, receipt ...")
                out["sale"] = {"items": n, **gui.bench_sale(till, items, settings["sale_runs"], log=log)}
    finally:
        for till in tills:
            till.close()
        warm_page.deleteLater()
        from PySide6.QtCore import QCoreApplication, QEvent
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return out


def _profile_search(till, queries: list[str], out_file: Path) -> None:
    """Every keystroke of the queries typed into the window again, under pyinstrument."""
    from pyinstrument import Profiler
    from PySide6.QtTest import QTest

    from benchmarks import gui

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for query in queries:
        gui._clear_search(till)
        for char in query:
            paints = till.catalogue_paints.count
            QTest.keyClick(till.search, char)
            till.catalogue_paints.wait_for_paint(paints)
    profiler.stop()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(profiler.output_text(unicode=True, color=False, show_all=False))


def _profile_scan(till, out_file: Path, scans: int = 30) -> None:
    """Barcode scans (digits + Enter into catalogueSearch) under pyinstrument."""
    from pyinstrument import Profiler
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from benchmarks import gui

    items = catalogue.sample(till.n, scans, seed="profile-scan")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _sku, _name, barcode in items:
        gui._clear_search(till)
        QTest.keyClicks(till.search, barcode)
        QTest.keyClick(till.search, Qt.Key.Key_Return)
    profiler.stop()
    till.carts.clear()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(profiler.output_text(unicode=True, color=False, show_all=False))


# -- the human-readable report -----------------------------------------------------------------

def print_human(r: dict) -> None:
    from benchmarks.stats import fmt

    _print_human(r, fmt)
    if "import" in r:
        i = r["import"]
        print(f"\n7. catalogue import, {i['rows']:,} CSV rows (side by side, same run)")
        print(f"   baseline: executemany + FTS5 rebuild {fmt(i['baseline_executemany_fts_rebuild'])}")
        print(f"   pos-app import-catalogue           {fmt(i['first_import'])}")
        print(f"   re-import, unchanged ('0 changed')  {fmt(i['reimport_unchanged'])}")
        print(f"   re-import, 1% of prices changed     {fmt(i['reimport_1pc_changed'])}")
        print(f"   ratio import / baseline (paired) {i['ratio_first_import_vs_baseline']}  target <= 3x: "
              f"{'met' if i['target']['met'] else 'MISSED'}")
        t = i["target"]
        print(f"   the till's cart writes during the import wait {fmt(i['till_write_wait_during_import'])}  "
              f"under a frame ({t['till_wait_frame_ms']:.0f} ms): p95 {'met' if t['till_wait_p95_met'] else 'MISSED'}, "
              f"max {'met' if t['till_wait_max_met'] else 'MISSED'} ({i['till_writes_over_a_frame']} over a frame)")


def _print_human(r: dict, fmt) -> None:

    m = r["machine"]
    print(f"\npos-app benchmarks — {r['date']} — {m['nproc']} cores {m['cpu']}, {m['ram_gb']} GB, "
          f"Python {m['python']}, Qt {m.get('qt')}, PySide6 {m.get('pyside6')}, SQLite {m['sqlite']}")
    if "cold_start" in r:
        c = r["cold_start"]
        print(f"\n1. cold start ({c['items']:,} items), launch -> first screen (the PIN screen) painted and idle; "
              "then the till window (the sale screen) painted and idle")
        for key in ("pos_app", "pos_app_sale_screen", "bare_window", "bare_window_webengine"):
            print(f"   {key:24} {fmt(c[key])}")
        print(f"   ratio vs bare window (paired median) {c['ratio_vs_bare_window'].get('median')}  "
              f"target <= 3x (judged on the first screen) and < 1500 ms: ratio "
              f"{'met' if c['target']['met_ratio'] else 'MISSED'}, "
              f"time {'met' if c['target']['met_absolute'] else 'MISSED'}"
              f"; the sale screen: {c['ratio_sale_screen_vs_bare_window'].get('median')}x")
        print(f"   pos-app phases (median ms from spawn): {c['pos_app']['phases_median_ms']}")
    if "sandbox" in r:
        from benchmarks import sandbox
        sandbox.print_human(r["sandbox"])
    if "search" in r:
        s = r["search"]
        print(f"\n2. catalogue search, per keystroke ({s['keystrokes_per_size']} keystrokes per size; "
              f"debounce: {s['debounce']})")
        for label, v in s.items():
            if isinstance(v, dict) and "keystroke_to_view_painted" in v:
                print(f"   {label:12} painted    {fmt(v['keystroke_to_view_painted'])}")
                print(f"   {'':12} model      {fmt(v['keystroke_to_model_updated'])}")
                print(f"   {'':12} store only {fmt(v['store_search_only'])}")
                print(f"   {'':12} slowest    {v['slowest_keystrokes'][:4]}")
        print(f"   growth {s['growth']}  target p95 <= 16 ms at {s['target']['size']}: "
              f"{'met' if s['target']['met'] else 'MISSED'}")
    if "scan" in r:
        print("\n3. barcode scan -> line in cart (committed)")
        for label, v in r["scan"].items():
            if isinstance(v, dict) and "scan_to_line_in_cart" in v:
                print(f"   {label:12} scan->line {fmt(v['scan_to_line_in_cart'])}")
                print(f"   {'':12} Enter only {fmt(v['enter_to_line_in_cart'])}")
                print(f"   {'':12} bare commit {fmt(v['baseline_durable_commit'])}  ratio {v['ratio_scan_vs_commit']}")
        print(f"   target p95 <= 10 ms: {'met' if r['scan']['target']['met'] else 'MISSED'}")
    if "http_cart" in r:
        h = r["http_cart"]
        n = h["lines_large"]
        print(f"\n4. cart over HTTP (keep-alive honoured: {h['keep_alive']})")
        print(f"   PUT, 1-line cart       {fmt(h['put_1_line'])}")
        print(f"   PUT, {n}-line cart    {fmt(h[f'put_{n}_lines'])}  ratio {h[f'ratio_put_{n}_vs_1']}")
        print(f"   POST whole {n} lines  {fmt(h[f'post_whole_cart_{n}_lines'])}  "
              f"ratio vs PUT {h[f'ratio_post_{n}_vs_put_{n}']}")
    if "charge" in r:
        c = r["charge"]
        print("\n5. Charge (F12) -> card form ready (warm)")
        print(f"   same PaymentIntent     {fmt(c['same_payment_intent']['to_card_form_ready'])}")
        print(f"   new PaymentIntent      {fmt(c['new_payment_intent']['to_card_form_ready'])}")
        print(f"   baseline: tiny page    {fmt(c['baseline_new_view_tiny_page'])}")
        print(f"   target p50 <= 400 ms: same PI {'met' if c['target']['met_same_pi'] else 'MISSED'}, "
              f"new PI {'met' if c['target']['met_new_pi'] else 'MISSED'}")
    if "sale" in r:
        s = r["sale"]
        print("\n6. end-to-end sale (3 items, card typed, paid, receipt shown)")
        for key, v in s["phases"].items():
            print(f"   {key:22} {fmt(v)}")
        print(f"   baseline, no UI        {fmt(s['baseline_same_sale_without_ui'])}"
              f"  ratio {s['ratio_total_vs_baseline']}")
    _print_shop(r, fmt)
    print(f"\n({r['elapsed_s']} s)")


def _print_shop(r: dict, fmt) -> None:
    if "cold_start_pg" in r:
        from benchmarks import startup_pg
        startup_pg.print_human(r["cold_start_pg"], fmt)
    if "order_history" in r:
        from benchmarks import order_history
        order_history.print_human(r["order_history"])
    if "shop_tills" in r:
        from benchmarks import shop_tills
        shop_tills.print_human(r["shop_tills"])


if __name__ == "__main__":
    sys.exit(main())
