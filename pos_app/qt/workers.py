"""Run blocking work (Stripe / sandbox calls, reconciliation) off the GUI thread.

A Task wraps one call; its result or exception comes back to the GUI thread through a queued
signal. Checkout calls go through one serial queue (CheckoutQueue) so that, for example, the
abandon() of a cancelled payment always finishes before the prepare() of the next Charge.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Task:
    """One call for a worker thread, as submitted through CheckoutQueue.submit().

    The task (and its callbacks, which often belong to a window or dialog) stays on the GUI side:
    the worker gets only the call, and answers with the task's number. So the last reference to a
    callback's owner is never dropped on the worker thread, where Qt would delete a widget from
    the wrong thread ("QBasicTimer::stop: Failed ... from a different thread").
    """

    def __init__(self, number: int, name: str, on_success, on_failure) -> None:
        self.number, self.name = number, name
        self.on_success: Callable[[object], None] | None = on_success
        self.on_failure: Callable[[BaseException], None] | None = on_failure


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits on it, so the slots run queued there."""

    done = Signal(int, bool, object)  # task number, succeeded?, return value or exception


def _receiver_alive(callback) -> bool:
    """False when callback is a method of a Qt object already deleted (a closed dialog)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _is_user_facing(exc: BaseException) -> bool:
    from pos_app.errors import UserFacingError
    return isinstance(exc, UserFacingError)


class _Runnable(QRunnable):
    def __init__(self, number: int, name: str, fn: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self._number, self._name, self._fn, self._relay = number, name, fn, relay

    def run(self) -> None:  # on the worker thread
        fn, self._fn = self._fn, None
        try:
            value, ok = fn(), True
        except Exception as exc:  # handed to the GUI thread, which shows or logs it
            log.info("%s failed: %s", self._name, exc, exc_info=not _is_user_facing(exc))
            value, ok = exc, False
        del fn
        self._relay.done.emit(self._number, ok, value)


class CheckoutQueue(QObject):
    """A one-thread pool: checkout calls run one at a time, in the order they were asked for."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._tasks: dict[int, Task] = {}  # submitted, not yet answered
        self._numbers = itertools.count(1)

    def submit(self, name: str, fn: Callable[[], object], on_success: Callable[[object], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None) -> Task:
        task = Task(next(self._numbers), name, on_success, on_failure)
        was_idle = not self._tasks
        self._tasks[task.number] = task
        self._pool.start(_Runnable(task.number, name, fn, self._relay))
        if was_idle:
            self.busy_changed.emit(True)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _on_done(self, number: int, ok: bool, value: object) -> None:
        task = self._tasks.pop(number, None)
        if task is None:
            return
        callback = task.on_success if ok else task.on_failure
        if not ok and callback is None:
            log.error("%s failed: %s", task.name, value)
        if callback is not None and _receiver_alive(callback):
            callback(value)
        if not self._tasks:
            self.busy_changed.emit(False)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until queued work is done (at shutdown, before the core stops)."""
        return self._pool.waitForDone(timeout_ms)
