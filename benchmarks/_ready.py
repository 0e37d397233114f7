"""Shared by the cold-start children: "window shown and interactive" = the window's content
(its central widget) has painted once AND the event loop then ran a zero-timer (it is idle and
would handle the cashier's next key). Prints one JSON line of time.time() stamps, then quits."""

from __future__ import annotations

import json
import sys
import time

STAMPS: dict[str, float] = {}


def stamp(name: str) -> None:
    STAMPS.setdefault(name, time.time())


def report_when_ready(window, quit_app: bool = True) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    target = window.centralWidget() or window

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and "painted" not in STAMPS:
                stamp("painted")
                QTimer.singleShot(0, _idle)
            return False

    def _idle() -> None:
        stamp("idle")
        # What start-up imported that it must not need (psycopg: only with POS_DATABASE_URL set).
        print("BENCH-MODULES " + json.dumps({"psycopg": "psycopg" in sys.modules}), flush=True)
        print("BENCH-READY " + json.dumps(STAMPS), flush=True)
        if quit_app:
            QApplication.instance().quit()

    window._bench_paint_filter = _FirstPaint(window)  # keep it alive with the window
    target.installEventFilter(window._bench_paint_filter)
    sys.stdout.flush()
