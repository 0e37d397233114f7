"""Repeatable benchmarks of pos-app: `python benchmarks/run.py` (see docs/benchmarks.md)."""
