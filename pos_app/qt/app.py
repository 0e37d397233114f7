"""The Qt composition root: run_gui(settings) is what `pos-app` with no sub-command runs.

Order of start-up, so a till the cashier can type a PIN into is up before the slow work is done
(qt/till_start.py runs steps 2-6):
1. QApplication (AA_ShareOpenGLContexts set before it, as QtWebEngine requires; the web engine
   itself is imported after the first paint);
2. the start screen: the till's PIN screen (qt/start_screen.py), no store (nor its modules) yet;
3. after its first paint, AppCore(settings).open() on a StartStep thread (the store: on a shop's
   PostgreSQL database psycopg's import and the connections, ~200 ms); a PIN typed meanwhile waits;
4. the till window (build_main_window) in the start screen's place, with what was typed there:
   catalogue and cart work at once, Charge says "starting payments…";
5. after its first paint, AppCore.start_services() on a ServicesStarter (it imports stripe and flask
   and starts the training sandbox and the local endpoint: a few hundred ms); the window hears of
   the result through a queued signal and enables Charge (or shows the error);
6. then the web engine warm-up (a hidden blank page: Chromium starts while the cashier works) and
   the reconciliation of unfinished payments on the checkout worker (network: may be slow).
If open() fails, the start screen closes and run_gui raises its error, as before (the command line
shows it, in a dialog too, and exits 2).
On quit: the dialog closes, queued checkout work finishes, a store still opening is waited for, the
servers stop, the store closes.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import Qt

from pos_app.config import Settings
from pos_app.qt.workers import TaskRunner

log = logging.getLogger(__name__)


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


def run_gui(settings: Settings) -> int:
    prepare_environment()
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.qt.till_start import TillStart
    from pos_app.qt.translator import use_language

    # What QtWebEngine needs before the QApplication is this attribute (importing QtWebEngineWidgets
    # first only sets it): set here, the web engine (~50 ms of imports) loads after the first paint.
    QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pos-app")
    QApplication.setApplicationDisplayName("pos-app")  # a static method of QGuiApplication
    translators = use_language(app, settings.locale)  # noqa: F841 (alive as long as the app)

    # The AppCore is made on the opener's thread: its imports come after the start screen's first paint.
    till = TillStart(settings, build_main_window)  # build_main_window: looked up now (the benchmark wraps it)
    till.show()  # if open() fails it closes the start screen, the last window: app.exec() returns
    try:
        code = app.exec()
    finally:
        till.close()
    if till.error is not None:
        raise till.error  # as when open() ran here: the command line shows it (a dialog too) and exits 2
    return code
