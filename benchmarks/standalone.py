"""One benchmark module run on its own (`python benchmarks/<name>.py`): a temporary folder, figures as text or JSON."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def main(name: str, as_json: bool, run: Callable[..., dict], print_human: Callable[[dict], None]) -> int:
    """run(work, log) in a fresh folder (removed after); progress to stderr when the figures are JSON."""
    logging.disable(logging.WARNING)  # the app's INFO/WARNING lines are not figures
    work = Path(tempfile.mkdtemp(prefix=f"pos-bench-{name}-"))
    log = (lambda text: print(text, file=sys.stderr, flush=True)) if as_json else print
    try:
        result = run(work, log)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if as_json:
        print(json.dumps(result, indent=1))
    else:
        print_human(result)
    return 0
