"""CheckoutQueue: calls run one at a time off the GUI thread; answers come back on the GUI thread."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from pos_app.qt.workers import CheckoutQueue

pytestmark = pytest.mark.gui


def test_calls_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot):
    queue = CheckoutQueue()
    ran, answered = [], []
    gui = threading.get_ident()
    release = threading.Event()

    def call(n):
        def fn():
            if n == 1:
                release.wait(5)  # the first call is slow: the second must still come after it
            ran.append((n, threading.get_ident() != gui))
            return n * 10
        return fn

    for n in (1, 2):
        queue.submit(f"call {n}", call(n), lambda value: answered.append((value, threading.get_ident() == gui)))
    assert queue.busy
    release.set()
    with qtbot.waitSignal(queue.busy_changed, timeout=5000, check_params_cb=lambda busy: busy is False):
        pass
    assert ran == [(1, True), (2, True)]
    assert answered == [(10, True), (20, True)]


def test_a_failure_goes_to_on_failure_and_a_closed_owner_hears_nothing(qtbot):
    queue = CheckoutQueue()
    failures = []

    class Owner(QWidget):
        heard: ClassVar[list] = []

        def on_success(self, value):
            Owner.heard.append(value)

    owner = Owner()
    release = threading.Event()
    queue.submit("boom", lambda: 1 / 0, None, failures.append)
    queue.submit("slow", lambda: release.wait(5) and "done", owner.on_success)
    shiboken6.delete(owner)  # the dialog was closed before its answer came
    release.set()
    qtbot.waitUntil(lambda: not queue.busy, timeout=5000)
    assert len(failures) == 1 and isinstance(failures[0], ZeroDivisionError)
    assert Owner.heard == []
