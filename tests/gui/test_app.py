"""run_gui end to end in a child process: the window opens, reconciles, and everything stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

CHILD = textwrap.dedent("""
    import logging, sys, threading
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from pos_app.config import Settings
    from pos_app.qt import app as qt_app

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    exec_ = QApplication.exec

    def exec_then_quit(*args):
        def check():
            window = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"), None)
            if window is not None and window.isVisible() and "OK" in window.status_gateway.text():
                print("WINDOW", window.windowTitle(), window.status_gateway.text(), flush=True)
                QApplication.quit()
            else:
                QTimer.singleShot(100, check)
        QTimer.singleShot(100, check)
        return exec_()

    QApplication.exec = staticmethod(exec_then_quit)
    settings = Settings.load(environ={}, env_file=None).with_(data_dir=Path(sys.argv[1]))
    code = qt_app.run_gui(settings)
    alive = [t.name for t in threading.enumerate() if t.name.startswith("pos-")]
    print("EXIT", code, "THREADS", alive, flush=True)
""")


def test_run_gui_shows_the_window_reconciles_and_stops_cleanly(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True,
                            env=env, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WINDOW pos-app demo shop — pos-app (TRAINING) Gateway: OK" in result.stdout
    assert "EXIT 0 THREADS []" in result.stdout
    assert "endpoint stopped" in result.stderr and "sandbox stopped" in result.stderr
    assert "Release of profile requested" not in result.stderr


# -- run_gui's pieces, in this process: the window first, the payments after its first paint -----


def test_services_start_on_a_thread_once_the_window_has_painted(qtbot, opened_core, unshown_window):
    import threading

    from pos_app.qt.till_start import ServicesStarter, connect_services_starter, start_services_when_painted

    window, starts = unshown_window, []
    starter = ServicesStarter(opened_core)
    real_start = starter.start
    starter.start = lambda: (starts.append(window.isVisible()), real_start())
    connect_services_starter(window, starter)
    start_services_when_painted(window, starter)
    qtbot.wait(50)
    assert starts == [] and not opened_core.ready  # nothing starts before the window is on screen
    with (qtbot.waitSignal(window.reconcile_finished, timeout=20000),  # build_main_window(reconcile=True)
          qtbot.waitSignal(window.payments_ready, timeout=20000)):
        window.show()
    assert starts == [True] and opened_core.ready and window.services_ready
    assert threading.current_thread() is threading.main_thread()
    assert starter.wait(5)
    window.local.carts.add("latte")
    qtbot.waitUntil(window.charge_button.isEnabled)


def test_a_start_that_fails_is_reported_in_the_window(qtbot, unshown_window):
    from pos_app.qt.till_start import ServicesStarter, connect_services_starter

    class BrokenCore:
        def start_services(self):
            raise OSError("port in use")

    window = unshown_window
    starter = ServicesStarter(BrokenCore())
    connect_services_starter(window, starter)
    with qtbot.waitSignal(starter.failed) as failed:
        starter.start()
    assert isinstance(failed.args[0], OSError)
    qtbot.waitUntil(lambda: "Card payments could not be started" in window.message_label.text())
    assert not window.services_ready and window.status_gateway.text() == "Gateway: unreachable"
    assert starter.wait(5)
