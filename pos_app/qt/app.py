"""The Qt composition root: run_gui(settings) is what `pos-app` with no sub-command runs.

Order of start-up, so the window appears before slow work finishes:
1. QApplication (QtWebEngine imported before it, as Qt requires);
2. AppCore.start(): the store, the training sandbox and the local endpoint (local, quick);
3. the web engine warm-up (a hidden blank page: Chromium starts while the cashier works);
4. the window, shown;
5. reconciliation of unfinished payments on the checkout worker (network: may be slow).
On quit: the dialog closes, queued checkout work finishes, the servers stop, the store closes.
"""

from __future__ import annotations

import logging
import os
import sys

from pos_app.config import Settings

log = logging.getLogger(__name__)


def prepare_environment() -> None:
    """Chromium refuses its sandbox as root (containers, CI); only then is it turned off."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            log.warning("running as root: starting Chromium without its sandbox")
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def build_main_window(core, *, queue=None, reconcile: bool = True):
    """The till window over a started AppCore (shared by run_gui, the tests and the tester kit).

    With reconcile=True a reconciliation is queued on the checkout worker straight away.
    """
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.workers import CheckoutQueue

    window = MainWindow(core, queue or CheckoutQueue())
    if reconcile:
        window.start_reconcile()
    return window


def run_gui(settings: Settings) -> int:
    prepare_environment()
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (must come before the QApplication)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.core import AppCore
    from pos_app.qt.web_engine import warm_up

    QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pos-app")
    app.setApplicationDisplayName("pos-app")

    core = AppCore(settings).start()
    warm_page = warm_up()
    window = build_main_window(core, reconcile=False)
    window.show()
    window.start_reconcile()  # after show(): the window never waits for the network
    try:
        return app.exec()
    finally:
        window.shutdown()
        window.deleteLater()
        warm_page.deleteLater()
        # Let deferred deletes run so no page outlives the web engine profile.
        from PySide6.QtCore import QCoreApplication, QEvent
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        core.stop()
