"""The till starts on its PIN screen and opens the store behind it (qt/till_start.py, run_gui's start).

The store's open is held back deterministically, never with sleeps: on SQLite by HeldOpen (a
test-only seam, TillStart's open_store, that waits on an Event before core.open()), on PostgreSQL
by holding the advisory lock a migrating till holds, which a till's open waits for.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from pos_app.core import AppCore
from pos_app.datalock import DataFolderLock
from pos_app.qt.app import build_main_window
from pos_app.qt.till_lock import SALE_PAGE
from pos_app.qt.till_start import TillStart
from pos_app.testing.plugin import training_settings
from pos_app.testing.staff import DEMO_PINS, log_in

pytestmark = pytest.mark.gui

OPEN_TIMEOUT_MS = 20000


class HeldOpen:
    """TillStart's open_store held until release(): core.open() on the opener's thread after that
    (a test-only seam, so the cashier's typing happens before the store is open). With
    `hold_after`, the hold comes after core.open() instead (the store is open, the call not done)."""

    def __init__(self, core: AppCore, *, hold_after: bool = False, then=None) -> None:
        self.core, self.hold_after, self.then = core, hold_after, then
        self.entered, self.gate = threading.Event(), threading.Event()
        self.thread_name = ""

    def __call__(self):
        self.thread_name = threading.current_thread().name
        if self.hold_after:
            self.core.open()
        self.entered.set()
        assert self.gate.wait(30), "the test never released the store's open"
        local = self.core.open()
        if self.then is not None:
            self.then(local)
        return local

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def start(qtbot):
    """make(core, open_store=None) -> a TillStart (not shown yet), closed after the test (an open a
    failed test left held is released first)."""
    made: list[tuple[TillStart, object]] = []

    def make(core: AppCore, open_store=None) -> TillStart:
        till = TillStart(core.settings, build_main_window, core=core, open_store=open_store)
        made.append((till, open_store))
        return till

    yield make
    for till, open_store in made:
        if isinstance(open_store, HeldOpen):
            open_store.release()
        till.close(timeout_s=30)


def shown_on_screen(qtbot, till: TillStart, held: HeldOpen | None = None) -> None:
    with qtbot.waitExposed(till.screen):
        till.show()
    if held is not None:
        qtbot.waitUntil(held.entered.is_set, timeout=OPEN_TIMEOUT_MS)  # the screen painted: the open began


def pos_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pos-")]


def test_the_pin_screen_is_up_before_the_store_opens_then_the_till_takes_its_place(qtbot, pos_config, start):
    core = AppCore(pos_config)
    held = HeldOpen(core)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    screen = till.screen
    assert core.local is None and till.window is None  # a PIN screen, no store yet
    assert screen.objectName() == "startScreen" and screen.windowTitle() == "pos-app demo shop — pos-app (TRAINING)"
    assert screen.centralWidget().objectName() == "pinScreen"
    assert screen.pin.pin_message.text() == "Opening the till's database…"
    screen.setGeometry(40, 60, 1000, 640)  # the cashier moved it: the till window opens there
    geometry = screen.geometry()
    qtbot.keyClicks(screen.pin.pin_field, "12")
    qtbot.mouseClick(screen.pin.numpad.findChild(QPushButton, "numpadKey3"), Qt.MouseButton.LeftButton)
    assert screen.pin.pin_field.text() == "123"

    with qtbot.waitSignal(till.window_shown, timeout=OPEN_TIMEOUT_MS) as shown:
        held.release()
    window = shown.args[0]
    assert held.thread_name == "pos-open-store"  # the store opened off the GUI thread
    assert window is till.window and window.isVisible() and not screen.isVisible()
    assert window.geometry() == geometry
    lock = window.till_lock
    assert lock.locked and lock.pin_field.text() == "123" and lock.pin_field.hasFocus()
    qtbot.waitUntil(lambda: window.services_ready, timeout=OPEN_TIMEOUT_MS)  # then, as before, the payments


def test_enter_on_an_empty_start_screen_waits_for_a_pin(qtbot, pos_config, start):
    core = AppCore(pos_config)
    held = HeldOpen(core)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    field = till.screen.pin.pin_field
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.isEnabled() and till.screen.waiting_pin == ""
    assert till.screen.pin.pin_message.text() == "Opening the till's database…"


def test_a_pin_entered_before_the_shop_database_is_open_logs_in_once_it_is(qtbot, tmp_path, shop_database_url,
                                                                            start):
    import psycopg

    from pos_app.store.pg import MIGRATION_LOCK
    from pos_app.testing.postgres import wait_for_lock_waiters

    core = AppCore(training_settings(tmp_path / "pos-data", database_url=shop_database_url))
    with psycopg.connect(shop_database_url, autocommit=True) as migrating:  # another till upgrading the schema
        migrating.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        till = start(core)
        shown_on_screen(qtbot, till)
        qtbot.waitUntil(lambda: till.opener.running)  # started after the screen's first paint
        wait_for_lock_waiters(shop_database_url)  # the till's open() waits behind it, on its own thread
        screen = till.screen
        assert screen.pin.pin_message.text() == "Opening the shop database…"
        qtbot.keyClicks(screen.pin.pin_field, DEMO_PINS["cashier"])
        qtbot.keyClick(screen.pin.pin_field, Qt.Key.Key_Return)
        assert not screen.pin.pin_field.isEnabled() and screen.pin.pin_field.text() == ""
        assert screen.pin.pin_message.text() == "Checking… (once the database is open)"
        assert core.local is None
        with qtbot.waitSignal(till.window_shown, timeout=OPEN_TIMEOUT_MS) as shown:
            migrating.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    window = shown.args[0]
    with qtbot.waitSignal(window.till_lock.logged_in, timeout=OPEN_TIMEOUT_MS) as logged_in:
        pass  # submitted by the hand-over; its answer comes on a later turn of the loop
    assert logged_in.args[0].name == window.till_lock.user().name == "Demo Cashier"
    assert window.till_lock.pages.currentIndex() == SALE_PAGE


def test_a_pin_entered_meanwhile_never_replaces_who_is_already_logged_in(qtbot, pos_config, start):
    core = AppCore(pos_config)
    held = HeldOpen(core, then=log_in)  # the manager logged in as the store opened (over the endpoint, say)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    qtbot.keyClicks(till.screen.pin.pin_field, DEMO_PINS["cashier"])
    qtbot.keyClick(till.screen.pin.pin_field, Qt.Key.Key_Return)
    with qtbot.waitSignal(till.window_shown, timeout=OPEN_TIMEOUT_MS) as shown:
        held.release()
    window = shown.args[0]
    assert not window.till_lock.locked and window.till_lock.pages.currentIndex() == SALE_PAGE
    assert window.till_lock.pin_message.text() == ""  # no log-in was submitted ("Checking…")
    assert window.till_lock.user().name == "Demo Manager"


def test_quit_while_the_store_opens_waits_for_it_and_closes_it(qtbot, pos_config, start):
    core = AppCore(pos_config)
    held = HeldOpen(core)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    assert core.local is None and "pos-open-store" in pos_threads()
    till.screen.close()  # the cashier closes the till (run_gui's app.exec() returns)
    releasing = threading.Thread(target=held.release)  # the open goes on while close() waits for it
    releasing.start()
    till.close()
    releasing.join()
    assert "pos-open-store" not in pos_threads() and core.local is None and till.window is None
    DataFolderLock(pos_config.data_dir, "test").acquire().release()  # the folder's lock was let go


def refuse(local):
    raise OSError("disk gone")  # fault injection: the open fails after quit


@pytest.mark.parametrize("then", [None, refuse], ids=["opened", "failed"])
def test_the_opens_answer_after_close_is_dropped(qtbot, pos_config, start, then):
    core = AppCore(pos_config)
    held = HeldOpen(core, then=then)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    held.release()
    till.close()  # waits for the open; its answer is delivered on a later turn of the loop
    signal = till.opener.succeeded if then is None else till.opener.failed
    with qtbot.waitSignal(signal, timeout=OPEN_TIMEOUT_MS):
        pass
    assert till.window is None and till.error is None and core.local is None


def test_a_store_opened_after_the_start_screen_closed_shows_no_till(qtbot, pos_config, start):
    core = AppCore(pos_config)
    held = HeldOpen(core)
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    till.screen.close()  # quit, and the open's answer arrives before the app's loop ends
    with qtbot.waitSignal(till.opener.succeeded, timeout=OPEN_TIMEOUT_MS):
        held.release()
    assert till.window is None and core.local is not None
    till.close()
    assert core.local is None


def test_an_open_that_outlasts_the_quit_is_left_to_the_process_exit(qtbot, pos_config, start, caplog):
    core = AppCore(pos_config)
    held = HeldOpen(core, hold_after=True)  # the store is open, the call not done yet
    till = start(core, held)
    shown_on_screen(qtbot, till, held)
    with caplog.at_level(logging.WARNING, logger="pos_app.qt.till_start"):
        till.close(timeout_s=0.05)
    assert "the store was still opening" in caplog.text
    assert core.local is not None and not till.closed  # not stopped under a call still running on it
    held.release()
    assert till.opener.wait(10)
    till.close()
    assert core.local is None and till.closed


def test_a_till_window_that_cannot_be_built_ends_the_start_with_its_error(qtbot, pos_config):
    from pos_app.errors import UserFacingError

    def unbuildable(core, **_options):
        raise UserFacingError("no screen for the till")  # fault injection: build_main_window failing

    core = AppCore(pos_config)
    till = TillStart(pos_config, unbuildable, core=core)
    try:
        with qtbot.waitSignal(till.failed, timeout=OPEN_TIMEOUT_MS) as failed:
            shown_on_screen(qtbot, till)
        assert str(failed.args[0]) == "no screen for the till" and till.error is failed.args[0]
        assert not till.screen.isVisible() and till.window is None
    finally:
        till.close()
    assert core.local is None


def test_closing_twice_is_harmless(qtbot, pos_config, start):
    core = AppCore(pos_config)
    till = start(core)
    shown_on_screen(qtbot, till)
    qtbot.waitUntil(lambda: till.window is not None, timeout=OPEN_TIMEOUT_MS)
    till.close()
    till.close()  # the window is deleted by now: a second shutdown() would raise
    assert core.local is None


# -- run_gui end to end, in a child process: what the cashier sees, psycopg after the PIN screen --------

CHILD = textwrap.dedent("""
    import sys, threading
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    from pos_app.cli import main

    exec_ = QApplication.exec

    def shown():
        return [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]

    def exec_watching(*args):
        print("AT EXEC", shown(), "PSYCOPG", "psycopg" in sys.modules, "STORE", "pos_app.store" in sys.modules,
              flush=True)
        def watch():
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                print("BOX", box.objectName(), box.text(), flush=True)
                box.close()
                return
            window = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"), None)
            if window is not None and window.isVisible():
                print("TILL", shown(), "PSYCOPG", "psycopg" in sys.modules, flush=True)
                QApplication.quit()
                return
            QTimer.singleShot(10, watch)
        QTimer.singleShot(0, watch)
        return exec_()

    QApplication.exec = staticmethod(exec_watching)
    code = main(sys.argv[1:])
    print("EXIT", code, "THREADS", [t.name for t in threading.enumerate() if t.name.startswith("pos-")], flush=True)
    sys.exit(code)
""")


def run_till(data_dir, **environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "STRIPE_"))}
    env.update(QT_QPA_PLATFORM="offscreen", **environ)
    return subprocess.run([sys.executable, "-c", CHILD, "--env-file", "/nonexistent", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, env=env, timeout=90)


@pytest.mark.slow
def test_on_a_shop_database_psycopg_is_imported_only_after_the_pin_screen_is_up(tmp_path, shop_database_url):
    result = run_till(tmp_path / "pos-data", POS_DATABASE_URL=shop_database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    # The settings read, the screen shown: neither psycopg nor the store's modules imported yet.
    assert "AT EXEC ['startScreen'] PSYCOPG False STORE False" in result.stdout
    assert "TILL ['mainWindow'] PSYCOPG True" in result.stdout
    assert "EXIT 0 THREADS []" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["data folder locked", "terminal id in use"])
def test_a_store_that_does_not_open_stops_the_start_as_before(tmp_path, request, backend):
    data_dir = tmp_path / "pos-data"
    data_dir.mkdir()
    if backend == "data folder locked":
        holder = DataFolderLock(data_dir, "another pos-app").acquire()
        request.addfinalizer(holder.release)
        environ, expected = {}, f"the data folder {data_dir} is in use by another pos-app (process {os.getpid()}"
    else:
        import psycopg

        from pos_app.store.terminal_claim import terminal_key
        url = request.getfixturevalue("shop_database_url")
        other_till = psycopg.connect(url, autocommit=True)  # a running till-2 holds its claim
        request.addfinalizer(other_till.close)
        other_till.execute("SELECT pg_advisory_lock(%s)", (terminal_key("till-2"),))
        environ, expected = {"POS_DATABASE_URL": url, "POS_TERMINAL_ID": "till-2"}, "till till-2 is already running"
    result = run_till(data_dir, **environ)
    assert result.returncode == 2, (result.stdout, result.stderr[-3000:])
    assert "AT EXEC ['startScreen']" in result.stdout
    assert "BOX startupError " + expected in result.stdout  # the dialog, as before
    assert "pos-app: " + expected in result.stderr
    assert "TILL" not in result.stdout and "EXIT 2 THREADS []" in result.stdout
