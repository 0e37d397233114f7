"""Run blocking work (Stripe / sandbox calls, reconciliation) off the GUI thread.

A Task wraps one call; its result or exception comes back to the GUI thread through a queued
signal. Checkout calls go through one serial queue (CheckoutQueue) so that, for example, the
abandon() of a cancelled payment always finishes before the prepare() of the next Charge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Task(QObject):
    """One call on a worker thread, submitted through CheckoutQueue.submit()."""

    # Each signal carries the task itself, so the queue's slots (GUI thread) know which one it was.
    succeeded = Signal(object, object)  # task, the call's return value
    failed = Signal(object, object)  # task, the exception it raised

    def __init__(self, name: str, fn: Callable[[], object]) -> None:
        super().__init__()
        self.name = name
        self._fn = fn
        self.on_success: Callable[[object], None] | None = None
        self.on_failure: Callable[[BaseException], None] | None = None

    def run(self) -> None:  # on the worker thread
        try:
            result = self._fn()
        except Exception as exc:  # handed to the GUI thread, which shows or logs it
            log.info("%s failed: %s", self.name, exc, exc_info=not _is_user_facing(exc))
            self.failed.emit(self, exc)
        else:
            self.succeeded.emit(self, result)


def _receiver_alive(callback) -> bool:
    """False when callback is a method of a Qt object already deleted (a closed dialog)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _is_user_facing(exc: BaseException) -> bool:
    from pos_app.errors import UserFacingError
    return isinstance(exc, UserFacingError)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task.run()


class CheckoutQueue(QObject):
    """A one-thread pool: checkout calls run one at a time, in the order they were asked for."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks: set[Task] = set()  # keep Python wrappers alive until they finish

    def submit(self, name: str, fn: Callable[[], object], on_success: Callable[[object], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None) -> Task:
        task = Task(name, fn)
        task.on_success, task.on_failure = on_success, on_failure
        # Connected to this QObject's methods: queued to the GUI thread, whoever emits.
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        was_idle = not self._tasks
        self._tasks.add(task)
        self._pool.start(_Runnable(task))
        if was_idle:
            self.busy_changed.emit(True)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def _on_task_succeeded(self, task: Task, result: object) -> None:
        self._finish(task, task.on_success, result)

    def _on_task_failed(self, task: Task, exc: BaseException) -> None:
        if task.on_failure is None:
            log.error("%s failed: %s", task.name, exc)
        self._finish(task, task.on_failure, exc)

    def _finish(self, task: Task, callback, value) -> None:
        self._tasks.discard(task)
        if callback is not None and _receiver_alive(callback):
            callback(value)
        if not self._tasks:
            self.busy_changed.emit(False)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until queued work is done (at shutdown, before the core stops)."""
        return self._pool.waitForDone(timeout_ms)
