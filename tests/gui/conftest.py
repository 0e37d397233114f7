"""Fixtures for the window tests: a real AppCore (store, training sandbox, endpoint) in tmp_path."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from pos_app.config import Settings
from pos_app.core import AppCore


def training_settings(data_dir) -> Settings:
    return Settings.load(environ={}, env_file=None).with_(data_dir=data_dir)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return training_settings(tmp_path)


@pytest.fixture
def core(settings):
    core = AppCore(settings).start()
    yield core
    core.stop()


@pytest.fixture
def window(qtbot, core):
    """The till window over the core, shown, without a start-up reconcile (tests ask for one)."""
    from pos_app.qt.app import build_main_window

    window = build_main_window(core, reconcile=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    close_window(qtbot, window)


def close_window(qtbot, window) -> None:
    if window.payment_dialog is not None:
        dialog = window.payment_dialog
        qtbot.waitUntil(lambda: not dialog.busy(), timeout=15000)
        dialog.reject()
    window.shutdown()
    window.close()
    # Delete closed dialogs (and their web pages) now, before the web engine profile goes away.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
