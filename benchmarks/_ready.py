"""Shared by the cold-start children: "window shown and interactive" = the window's content
(its central widget) has painted once AND the event loop then ran a zero-timer (it is idle and
would handle the cashier's next key). Prints one JSON line of time.time() stamps, then quits.

pos-app shows two windows: its start screen (the PIN screen: `painted`, `idle`, the figure the
target is judged on) and then the till window (`sale_painted`, `sale_idle`); only the last one
reports ready and quits. Each says whether psycopg was imported by then (BENCH-MODULES-FIRST,
BENCH-MODULES)."""

from __future__ import annotations

import json
import sys
import time

STAMPS: dict[str, float] = {}


def stamp(name: str) -> None:
    STAMPS.setdefault(name, time.time())


def report_when_ready(window, quit_app: bool = True, prefix: str = "", last: bool = True) -> None:
    """Stamp `<prefix>painted` and `<prefix>idle` for `window`; the `last` window reports ready and quits."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    target = window.centralWidget() or window

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and f"{prefix}painted" not in STAMPS:
                stamp(f"{prefix}painted")
                QTimer.singleShot(0, _idle)
            return False

    def _idle() -> None:
        stamp(f"{prefix}idle")
        # What start-up imported that it must not need (psycopg: only with POS_DATABASE_URL set).
        modules = json.dumps({"psycopg": "psycopg" in sys.modules})
        if not last:
            print("BENCH-MODULES-FIRST " + modules, flush=True)
            return
        print("BENCH-MODULES " + modules, flush=True)
        print("BENCH-READY " + json.dumps(STAMPS), flush=True)
        if quit_app:
            QApplication.instance().quit()

    window._bench_paint_filter = _FirstPaint(window)  # keep it alive with the window
    target.installEventFilter(window._bench_paint_filter)
    sys.stdout.flush()
