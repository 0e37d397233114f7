"""The Qt composition root: run_gui(settings) is what `pos-app` with no sub-command runs.

Order of start-up, so the window is up and usable before the slow work is done:
1. QApplication (AA_ShareOpenGLContexts set before it, as QtWebEngine requires; the web engine
   itself is imported after the first paint);
2. AppCore.open(): the store only (local and quick);
3. the window, shown: catalogue and cart work at once, Charge says "starting payments…";
4. after its first paint, AppCore.start_services() on a TaskRunner (it imports stripe and flask and
   starts the training sandbox and the local endpoint: a few hundred ms); the window hears of the
   result through a queued signal and enables Charge (or shows the error);
5. then the web engine warm-up (a hidden blank page: Chromium starts while the cashier works) and
   the reconciliation of unfinished payments on the checkout worker (network: may be slow).
On quit: the dialog closes, queued checkout work finishes, the servers stop, the store closes.
"""

from __future__ import annotations

import logging
import os
import sys
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal

from pos_app.config import Settings
from pos_app.qt.workers import TaskRunner

log = logging.getLogger(__name__)

START_JOIN_TIMEOUT_S = 30.0  # on quit, how long to wait for a start_services() still running


def prepare_environment() -> None:
    """Chromium refuses its sandbox as root (containers, CI); only then is it turned off."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            log.warning("running as root: starting Chromium without its sandbox")
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def build_main_window(core, *, queue=None, reconcile: bool = True):
    """The till window over an AppCore, started or only opened (shared by run_gui, the tests and
    the tester kit): built over its local context, and given its payments context if it has one.

    The cash office's ways in (qt/shift_access.py) and parking (qt/parking_controls.py) are installed
    here, beside the window's own parts.
    With reconcile=True a reconciliation is queued on the checkout worker straight away (over an
    opened-only core: as soon as the window is handed the payments context).
    """
    from pos_app.qt.main_window import MainWindow
    from pos_app.qt.parking_controls import ParkingControls
    from pos_app.qt.customer_screen import install_customer_display
    from pos_app.qt.shift_access import ShiftAccess
    from pos_app.qt.theme import apply_theme
    from pos_app.qt.touch_controls import TouchControls
    from pos_app.qt.till_feedback import install_feedback

    apply_theme(core.open().settings.theme)  # before the widgets exist: none is polished twice
    window = MainWindow(core.open(), queue or TaskRunner(name="checkout"), payments=core.payments)
    ShiftAccess(window)  # the shift dialog (F7) and the "no shift open" banner
    ParkingControls(window)  # Park (F5) and Recall… (Shift+F5)
    install_customer_display(window)  # on a second screen, if there is one (POS_CUSTOMER_SCREEN)
    TouchControls(window)  # the theme, the product tiles, the quantity pad
    install_feedback(window)  # the last-sale notice, Undo clear, fresh messages, the unknown-barcode alert
    if reconcile:
        window.start_reconcile()
    return window


class ServicesStarter(QObject):
    """core.start_services() on a TaskRunner of its own (`pos-start-services`); the outcome comes back
    as a signal on the GUI thread.

    The window is on screen meanwhile: the store is open, so the cashier can build the cart.
    `started` carries the PaymentsContext, which the window is handed (services_started).
    """

    started = Signal(object)  # the PaymentsContext
    failed = Signal(object)  # the exception

    def __init__(self, core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._runner = TaskRunner(self, name="start-services")
        self._submitted = False

    def start(self) -> None:
        if not self._submitted:
            self._submitted = True
            self._runner.submit("start services", partial(_start_services, self._core),
                                self._on_runner_started, self._on_runner_failed)

    def _on_runner_started(self, payments) -> None:
        self.started.emit(payments)

    def _on_runner_failed(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    def wait(self, timeout_s: float = START_JOIN_TIMEOUT_S) -> bool:
        """Let a start still running finish and join its thread (before core.stop()); True if it has ended."""
        return self._runner.stop(timeout_s)


def _start_services(core):  # on the starter's thread: the PaymentsContext
    try:
        return core.start_services()
    except Exception:  # shown in the window; the catalogue and cart keep working
        log.exception("payments and the local endpoint did not start")
        raise


def start_services_when_painted(window, starter: ServicesStarter) -> None:
    """starter.start() once the window's content has painted (the first frame is not slowed by
    the starter thread's imports), on the next turn of the event loop."""
    target = window.centralWidget() or window

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                target.removeEventFilter(self)
                QTimer.singleShot(0, starter.start)
            return False

    window._first_paint_filter = _FirstPaint(window)  # lives with the window
    target.installEventFilter(window._first_paint_filter)


def connect_services_starter(window, starter: ServicesStarter) -> None:
    """The starter's outcome to the window (queued: the signals are emitted on the starter thread)."""
    queued = Qt.ConnectionType.QueuedConnection
    starter.failed.connect(window.services_failed, queued)
    starter.started.connect(window.services_started, queued)


def _warm_up():
    from pos_app.qt.web_engine import warm_up  # QtWebEngine's first import: after the first paint
    return warm_up()


def run_gui(settings: Settings) -> int:
    prepare_environment()
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.core import AppCore
    from pos_app.qt.translator import use_language

    # What QtWebEngine needs before the QApplication is this attribute (importing QtWebEngineWidgets
    # first only sets it): set here, the web engine (~50 ms of imports) loads after the first paint.
    QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pos-app")
    QApplication.setApplicationDisplayName("pos-app")  # a static method of QGuiApplication
    translators = use_language(app, settings.locale)  # noqa: F841 (alive as long as the app)

    core = AppCore(settings, command="the till window (pos-app)")
    core.open()
    window = build_main_window(core, reconcile=True)  # the reconcile runs once the services are up
    warm_pages = []  # Chromium starts once the payments are up (its first page costs ~70 ms here)
    window.payments_ready.connect(lambda: QTimer.singleShot(0, lambda: warm_pages.append(_warm_up())))
    starter = ServicesStarter(core)
    connect_services_starter(window, starter)
    start_services_when_painted(window, starter)
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
        if not starter.wait():
            log.warning("payments were still starting at quit")
        window.deleteLater()
        for page in warm_pages:
            page.deleteLater()
        # Let deferred deletes run so no page outlives the web engine profile.
        from PySide6.QtCore import QCoreApplication
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        core.stop()
