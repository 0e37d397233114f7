"""Fixtures for the window tests: the tester kit's (pos_app.testing.plugin) under the names these
tests use. A real AppCore (store, training sandbox, endpoint) in a fresh folder; the till window
built and torn down as the kit does it (shown, start-up reconciliation done)."""

from __future__ import annotations

import pytest


@pytest.fixture
def runner():
    """A TaskRunner for a dialog tested on its own (a window would own it), joined at teardown."""
    from pos_app.qt.workers import TaskRunner

    task_runner = TaskRunner(name="test")
    yield task_runner
    assert task_runner.stop(), "the dialog's work did not finish"


@pytest.fixture
def settings(pos_config):
    return pos_config


@pytest.fixture
def core(pos_app):
    return pos_app


@pytest.fixture
def window(pos_window):
    return pos_window


@pytest.fixture
def opened_core(pos_config):
    """An AppCore that has only open()ed its store, as run_gui has it when it first shows the window."""
    from pos_app.core import AppCore
    from pos_app.testing.staff import log_in

    core = AppCore(pos_config)
    log_in(core.open())
    yield core
    core.stop()


@pytest.fixture
def unshown_window(qtbot, opened_core):
    """The till over opened_core, built as run_gui builds it but not shown yet."""
    from pos_app.qt.app import build_main_window
    from pos_app.testing.till import close_till

    window = build_main_window(opened_core, reconcile=True)
    qtbot.addWidget(window, before_close_func=lambda w: close_till(qtbot, w))
    yield window
    close_till(qtbot, window)


@pytest.fixture
def early_window(qtbot, unshown_window):
    """unshown_window on screen: the till before its payments are up."""
    with qtbot.waitExposed(unshown_window):
        unshown_window.show()
    return unshown_window
