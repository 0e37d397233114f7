"""Summaries of repeated timings: min / median / p95 / max in milliseconds, and paired ratios."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence


def now_ms() -> float:
    return time.perf_counter() * 1000.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): a value that was really measured."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary(values_ms: Sequence[float]) -> dict:
    values = list(values_ms)
    if not values:
        return {"n": 0}
    return {"n": len(values), "min_ms": round(min(values), 3), "median_ms": round(statistics.median(values), 3),
            "p95_ms": round(percentile(values, 95), 3), "max_ms": round(max(values), 3)}


def ratio(a: dict, b: dict, key: str = "median_ms") -> float | None:
    if not a.get(key) or not b.get(key):
        return None
    return round(a[key] / b[key], 3)


def paired_ratio(a_values: Sequence[float], b_values: Sequence[float]) -> dict:
    """Median (and spread) of the per-pair ratios a[i]/b[i] of interleaved runs: drift cancels."""
    pairs = [a / b for a, b in zip(a_values, b_values) if b > 0]
    if not pairs:
        return {}
    return {"median": round(statistics.median(pairs), 3), "min": round(min(pairs), 3),
            "max": round(max(pairs), 3)}


def fmt(s: dict) -> str:
    if not s.get("n"):
        return "(no runs)"
    return (f"median {s['median_ms']:.2f} ms  p95 {s['p95_ms']:.2f}  min {s['min_ms']:.2f}  "
            f"max {s['max_ms']:.2f}  (n={s['n']})")
