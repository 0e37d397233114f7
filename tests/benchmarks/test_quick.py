"""Smoke test of the benchmarks: `python benchmarks/run.py --quick --json` still runs end to end.

It asserts only that the run finishes and prints the figures: benchmarks never fail on speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"machine", "cold_start", "http_cart", "search", "scan", "charge", "sale", "sandbox"}


@pytest.mark.slow
@pytest.mark.timeout(110)
def test_quick_run_prints_every_figure_as_json():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
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
