"""Before the window: no display is one line (not Qt's abort), and a configuration error started
from a desktop icon is a dialog, not just a line on a stderr nobody sees."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from pos_app.cli import main
from pos_app.qt.startup import WINDOW_LIBRARIES, XCB_PACKAGES, _qt_dir, display_problem, missing_libraries


def test_without_a_display_pos_app_says_what_to_set_instead_of_dumping_core(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith(("POS_", "STRIPE_"))}
    out = subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                          str(tmp_path)], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2, (out.returncode, out.stderr)  # Qt's abort would be -6 (SIGABRT)
    assert out.stderr.count("\n") == 1 and "DISPLAY is not set" in out.stderr and "pos-app serve" in out.stderr
    assert not (tmp_path / "pos.sqlite3").exists()  # nothing was opened


@pytest.mark.parametrize("environ, expected", [
    ({}, "DISPLAY is not set"),
    ({"QT_QPA_PLATFORM": "xcb"}, "DISPLAY is not set"),
    ({"QT_QPA_PLATFORM": "wayland"}, "WAYLAND_DISPLAY is not set"),
    ({"QT_QPA_PLATFORM": "offscreen"}, None),
    ({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, None),
])
def test_display_problem(environ, expected):
    problem = display_problem(environ)
    assert problem is None if expected is None else expected in problem


def test_missing_xcb_libraries_are_named_with_their_debian_packages():
    missing = missing_libraries(*(_qt_dir() / name for name in WINDOW_LIBRARIES))
    problem = display_problem({"DISPLAY": ":0"})
    if not missing:  # a machine with every library: nothing to say
        assert problem is None
        return
    for lib in missing:
        assert lib in problem and XCB_PACKAGES.get(lib, lib) in problem
    assert "apt-get install" in problem


def test_a_configuration_error_is_shown_in_a_dialog_when_the_window_was_asked_for(qtbot, monkeypatch, tmp_path,
                                                                                  capsys):
    monkeypatch.setenv("POS_LOCALE", "xx_NOWHERE")
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append(box.text())
        box.grab().save(str(tmp_path / "startup-error.png"))
        box.close()

    QTimer.singleShot(0, read_and_close)
    assert main(["--env-file", "/nonexistent", "--data-dir", str(tmp_path)]) == 2
    assert seen and seen[0].startswith("POS_LOCALE: 'xx_NOWHERE' is not a locale")
    assert capsys.readouterr().err.startswith("pos-app: POS_LOCALE")
    assert not (tmp_path / "pos.sqlite3").exists()
