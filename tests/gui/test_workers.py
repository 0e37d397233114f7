"""TaskRunner: calls run one at a time off the GUI thread, answers come back on it, stop() joins."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from pos_app.qt.workers import TaskRunner

pytestmark = pytest.mark.gui


def threads_named(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name]


def test_calls_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot):
    runner = TaskRunner(name="test-order")
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
        runner.submit(f"call {n}", call(n), lambda value: answered.append((value, threading.get_ident() == gui)))
    assert runner.busy
    release.set()
    with qtbot.waitSignal(runner.busy_changed, timeout=5000, check_params_cb=lambda busy: busy is False):
        pass
    assert ran == [(1, True), (2, True)]
    assert answered == [(10, True), (20, True)]
    assert runner.stop(5)


def test_a_failure_goes_to_on_failure_and_a_closed_owner_hears_nothing(qtbot):
    runner = TaskRunner(name="test-owner")
    failures = []

    class Owner(QWidget):
        heard: ClassVar[list] = []

        def on_success(self, value):
            Owner.heard.append(value)

    owner = Owner()
    release = threading.Event()
    runner.submit("boom", lambda: 1 / 0, None, failures.append)
    runner.submit("slow", lambda: release.wait(5) and "done", owner.on_success)
    shiboken6.delete(owner)  # the dialog was closed before its answer came
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert len(failures) == 1 and isinstance(failures[0], ZeroDivisionError)
    assert Owner.heard == []
    assert runner.stop(5)


def test_stop_lets_queued_work_finish_joins_the_thread_and_refuses_more(qtbot):
    runner = TaskRunner(name="test-stop")
    release, ran, answered = threading.Event(), [], []
    runner.submit("slow", lambda: release.wait(5) and ran.append("slow"))
    runner.submit("queued", lambda: ran.append("queued") or "answer", answered.append)
    assert threads_named("pos-test-stop")
    threading.Timer(0.05, release.set).start()
    assert runner.stop(5)
    assert ran == ["slow", "queued"] and not runner.running and threads_named("pos-test-stop") == []
    qtbot.waitUntil(lambda: answered == ["answer"], timeout=5000)  # the answer still reaches the GUI thread
    late = []
    runner.submit("late", lambda: late.append("ran"))
    qtbot.wait(50)
    assert late == [] and not runner.busy


def test_stop_gives_up_after_its_timeout_on_a_call_that_hangs(qtbot):
    runner = TaskRunner(name="test-hang")
    release = threading.Event()
    runner.submit("hangs", lambda: release.wait(5))
    assert runner.stop(0.05) is False and runner.running  # the caller goes on; the thread is a daemon
    release.set()
    assert runner.stop(5) and threads_named("pos-test-hang") == []


def test_a_runner_deleted_with_its_owner_ends_its_thread(qtbot):
    owner = QObject()
    runner = TaskRunner(owner, name="test-orphan")
    runner.submit("one", lambda: 1)
    qtbot.waitUntil(lambda: threads_named("pos-test-orphan") != [] and not runner.busy, timeout=5000)
    shiboken6.delete(owner)  # the owner never called stop()
    qtbot.waitUntil(lambda: threads_named("pos-test-orphan") == [], timeout=5000)


def test_answers_for_an_owner_deleted_meanwhile_are_dropped_without_a_crash(qtbot):
    """Many tasks whose owners (widgets) are deleted while the worker answers: nothing runs on a dead widget."""
    runner = TaskRunner(name="test-race")
    heard = []

    class Owner(QWidget):
        def on_success(self, value):
            heard.append(value)

    for n in range(200):
        owner = Owner()
        runner.submit(f"call {n}", lambda n=n: n, owner.on_success)
        shiboken6.delete(owner)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert heard == []
    assert runner.stop(5)
