"""Smoke test of the benchmarks: `python benchmarks/run.py --quick --json` still runs end to end.

It asserts only that the run finishes and prints the figures: benchmarks never fail on speed
(the shop-scale ones fail when what they made is wrong, not when it is slow). Two runs, the
classic benchmarks and the shop-scale ones, so each stays under its timeout on a busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"machine", "cold_start", "http_cart", "search", "scan", "charge", "sale", "sandbox"}


CLASSIC = "cold_start,http_cart,search,scan,charge,sale,sandbox,import"
SHOP_SCALE = "cold_start_pg,order_history,shop_tills"  # issue 19: each starts a PostgreSQL server of its own


def quick_run(only: str, timeout: float) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", "--only", only],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.timeout(110)
def test_quick_run_prints_every_figure_as_json():
    figures = quick_run(CLASSIC, timeout=100)
    assert figures.keys() >= EXPECTED
    assert figures["quick"] is True
    assert figures["cold_start"]["pos_app"]["n"] >= 1
    assert figures["search"]["keystrokes_per_size"] > 0
    assert figures["sale"]["orders_recorded"] >= 1
    assert figures["sandbox"]["sale_after_200"]["n"] == 3


@pytest.mark.slow
@pytest.mark.timeout(170)
def test_the_two_backends_search_benchmark_runs_on_a_small_catalogue():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "search_backends.py"), "--items", "2000",
                           "--reps", "1", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=160)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["sqlite"]["keystroke"]["n"] == figures["postgresql"]["keystroke"]["n"] > 0
    assert figures["shop_import_s"] > 0


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_quick_shop_scale_run_checks_its_own_sales_and_prints_its_figures():
    """The shop-scale benchmarks check what they made (every till's receipt numbers 1..n, the
    orders equal to the sales; psycopg imported only with POS_DATABASE_URL): the run fails if not."""
    figures = quick_run(SHOP_SCALE, timeout=140)
    tills = figures["shop_tills"]
    assert tills["check_postgresql"]["series_gap_free"] and tills["check_sqlite"]["series_gap_free"]
    assert tills["postgresql_2_tills"]["paid_to_recorded"]["n"] >= 1
    assert figures["order_history"]["postgresql"]["search_payment_intent"]["rows_max"] == 1
    assert figures["cold_start_pg"]["imported"]["pos_app"] == {"psycopg": False}
    assert figures["cold_start_pg"]["imported"]["pos_app_postgresql"] == {"psycopg": True}
    # ... and only after its first screen (the PIN screen) was up; both screens are timed
    assert figures["cold_start_pg"]["imported_first_screen"]["pos_app_postgresql"] == {"psycopg": False}
    assert figures["cold_start_pg"]["pos_app_postgresql_sale_screen"]["n"] >= 1
