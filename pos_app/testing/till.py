"""Open and close the till window for a test, the way `pos-app` does, and tear it down cleanly.

Shared by the plugin's fixtures and PosDriver.restart(). Imports Qt: only import this module from
inside a fixture or a test (the plugin itself must load in sessions without Qt).
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

from pos_app.qt.app import build_main_window

log = logging.getLogger(__name__)

CLOSED_PROPERTY = "posTestingClosed"  # set on a window close_till() has already shut down
START_TIMEOUT_MS = 15_000
CLOSE_TIMEOUT_MS = 15_000


def open_till(qtbot, core, timeout_ms: int = START_TIMEOUT_MS):
    """The MainWindow over a started AppCore: shown, registered with qtbot, start-up reconcile done.

    As run_gui does: the window is shown first, then the reconciliation of unfinished payments
    runs on the checkout worker; this returns once it has reported, so the till is ready to sell.
    """
    window = build_main_window(core, reconcile=False)
    qtbot.addWidget(window, before_close_func=lambda w: close_till(qtbot, w))
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.reconcile_finished, timeout=timeout_ms,
                          raising=False) as reconciled:
        window.start_reconcile()
    if not reconciled.signal_triggered:
        raise AssertionError(f"the till's start-up reconciliation did not finish within {timeout_ms / 1000:g} s")
    return window


def close_till(qtbot, window, timeout_ms: int = CLOSE_TIMEOUT_MS) -> None:
    """Close the payment dialog, let queued checkout work finish, close the window. Idempotent.

    A payment being confirmed is waited for (closing then would lose track of it), but teardown
    goes on if it never ends: the test that left it so has already failed.
    """
    if not shiboken6.isValid(window) or window.property(CLOSED_PROPERTY):
        return  # already closed here, or closed and deleted by pytest-qt's own teardown
    window.setProperty(CLOSED_PROPERTY, True)
    dialog = window.payment_dialog
    if dialog is not None:
        try:
            qtbot.waitUntil(lambda: not dialog.busy(), timeout=timeout_ms)
        except qtbot.TimeoutError:
            log.warning("closing the till while a payment is still being confirmed")
    window.shutdown(timeout_ms)
    window.close()
    flush_deletes()


def flush_deletes() -> None:
    """Delete closed dialogs (and their web pages) now, before the web engine profile goes away."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
