"""TillStart: how run_gui brings the till up, the PIN screen first and the slow parts after a first paint.

1. the start screen (qt/start_screen.py: the PIN screen, typeable) is shown at once: no store yet;
2. after its first paint, the AppCore is made and opened on a StartStep (`pos-open-store`): the
   store's modules, and on a shop's PostgreSQL database psycopg's import (~150 ms) and the
   connections, while the cashier can already type the PIN;
3. its result comes back on the GUI thread: the till window (build_main_window) takes the start
   screen's place and what was typed there; the start screen closes;
4. after the window's first paint, AppCore.start_services() on a ServicesStarter (`pos-start-services`),
   then the web engine's warm-up once the payments are up.
If open() fails, the start screen closes and `error` holds the exception (run_gui raises it, and the
command line shows it as it did before). close() ends it all on quit: the store still opening is
waited for (bounded), then everything opened is stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from pos_app.config import Settings
from pos_app.qt import start_screen
from pos_app.qt.workers import TaskRunner

if TYPE_CHECKING:
    from pos_app.core import AppCore
    from pos_app.qt.main_window import MainWindow

log = logging.getLogger(__name__)

TILL_COMMAND = "the till window (pos-app)"  # who holds the data folder, as a second till is told
START_JOIN_TIMEOUT_S = 30.0  # on quit, how long to wait for an open() or start_services() still running


class StartStep(QObject):
    """One start-up call on a TaskRunner of its own (`pos-<name>`), run once by start(); the outcome
    comes back as a signal on the GUI thread."""

    succeeded = Signal(object)  # what the call returned
    failed = Signal(object)  # the exception

    def __init__(self, name: str, call: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name, self._call = name, call
        self._runner = TaskRunner(self, name=name)
        self._submitted = False

    def start(self) -> None:
        if not self._submitted:
            self._submitted = True
            self._runner.submit(self._name, self._call, self._on_runner_succeeded, self._on_runner_failed)

    @property
    def running(self) -> bool:
        """Started, and its answer has not reached the GUI thread yet."""
        return self._runner.busy

    def _on_runner_succeeded(self, value: object) -> None:
        self.succeeded.emit(value)

    def _on_runner_failed(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    def wait(self, timeout_s: float = START_JOIN_TIMEOUT_S) -> bool:
        """Let a call still running finish and join its thread; True if it has ended."""
        return self._runner.stop(timeout_s)


class ServicesStarter(StartStep):
    """core.start_services() (`pos-start-services`); `succeeded` carries the PaymentsContext, which the
    window is handed (services_started). The window is on screen meanwhile: the cashier can build the cart."""

    def __init__(self, core, parent: QObject | None = None) -> None:
        super().__init__("start-services", partial(_start_services, core), parent)


def _start_services(core):  # on the starter's thread: the PaymentsContext
    try:
        return core.start_services()
    except Exception:  # shown in the window; the catalogue and cart keep working
        log.exception("payments and the local endpoint did not start")
        raise


def call_when_painted(window: QMainWindow, call: Callable[[], None]) -> None:
    """call() once the window's content has painted (the first frame is not slowed by what it starts),
    on the next turn of the event loop."""
    target: QWidget = window.centralWidget() or window

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                target.removeEventFilter(self)
                QTimer.singleShot(0, call)
            return False

    window._first_paint_filter = _FirstPaint(window)  # type: ignore[attr-defined]  # lives with the window
    target.installEventFilter(window._first_paint_filter)  # type: ignore[attr-defined]


def start_services_when_painted(window, starter: ServicesStarter) -> None:
    """starter.start() once the window's content has painted (the starter thread's imports don't slow it)."""
    call_when_painted(window, starter.start)


def connect_services_starter(window, starter: ServicesStarter) -> None:
    """The starter's outcome to the window (queued: on the next turn of the GUI thread's loop)."""
    queued = Qt.ConnectionType.QueuedConnection
    starter.failed.connect(window.services_failed, queued)
    starter.succeeded.connect(window.services_started, queued)


def _warm_up():
    from pos_app.qt.web_engine import warm_up  # QtWebEngine's first import: after the first paint
    return warm_up()


class TillStart(QObject):
    """The start screen now, the till window once the store is open (see the module's docstring).

    `build_window(core, reconcile=True)` builds the till window (run_gui: build_main_window). `core` is
    the AppCore to open; without one it is made on the opener's thread (pos_app.core's imports, the
    store's modules among them: ~60 ms that come after the first paint too). `open_store` is what
    the opener runs instead of core.open (a test holds it back to type a PIN first).
    """

    window_shown = Signal(object)  # the MainWindow, on screen in the start screen's place
    failed = Signal(object)  # core.open()'s exception; the start screen has closed

    def __init__(self, settings: Settings, build_window: Callable[..., MainWindow], *, core: AppCore | None = None,
                 open_store: Callable[[], object] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings, self.core, self._build_window = settings, core, build_window
        self._open_store = open_store
        self.screen = start_screen.StartScreen(settings)
        self.window: MainWindow | None = None  # once the store is open
        self.starter: ServicesStarter | None = None
        self.error: BaseException | None = None
        self.closed = False
        self._closing = False  # close() began: an answer of the opener that comes after it is dropped
        self._warm_pages: list = []  # Chromium starts once the payments are up (its first page: ~70 ms)
        self.opener = StartStep("open-store", self._open, self)
        self.opener.succeeded.connect(self._on_opener_succeeded)
        self.opener.failed.connect(self._on_opener_failed)
        call_when_painted(self.screen, self.opener.start)

    def _open(self) -> object:  # on the opener's thread; close() reads self.core after joining it
        if self.core is None:
            from pos_app.core import AppCore
            self.core = AppCore(self.settings, command=TILL_COMMAND)
        return (self._open_store or self.core.open)()

    def show(self) -> None:
        self.screen.show()

    def _on_opener_succeeded(self, _local: object) -> None:
        if self._closing or not self.screen.isVisible():  # quitting (the screen closed) while the store opened
            return
        try:
            window = self._build_window(self.core, reconcile=True)  # it reconciles once the services are up
        except Exception as exc:  # as when run_gui built it before its loop: the start ends with this error
            log.exception("the till window could not be built")
            self._on_opener_failed(exc)
            return
        window.payments_ready.connect(lambda: QTimer.singleShot(0, self._warm_up))
        self.starter = ServicesStarter(self.core, self)
        connect_services_starter(window, self.starter)
        start_services_when_painted(window, self.starter)
        self.window = window
        self.screen.hand_over(window)
        window.show()
        self.screen.close()
        self.window_shown.emit(window)

    def _warm_up(self) -> None:
        self._warm_pages.append(_warm_up())

    def _on_opener_failed(self, exc: BaseException) -> None:
        if self._closing:  # the till is closing anyway (the error is in the log)
            return
        self.error = exc
        self.screen.close()
        self.failed.emit(exc)

    def close(self, timeout_s: float = START_JOIN_TIMEOUT_S) -> None:
        """On quit: the window's work ends, a start still running is waited for, what was opened stops.
        Once: the window is deleted by then."""
        if self.closed:
            return
        self._closing = True
        if self.window is not None:
            self.window.shutdown()
        if self.starter is not None and not self.starter.wait(timeout_s):
            log.warning("payments were still starting at quit")
        if not self.opener.wait(timeout_s):
            log.warning("the store was still opening after %g s at quit: left to the process's exit", timeout_s)
            return  # stopping the core under an open() still running would race it
        self.screen.close()
        for owned in (self.window, self.screen, *self._warm_pages):
            if owned is not None:
                owned.deleteLater()
        # Let deferred deletes run so no page outlives the web engine profile.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if self.core is not None:  # None: the opener never ran (quit before the first paint)
            self.core.stop()
        self.closed = True
