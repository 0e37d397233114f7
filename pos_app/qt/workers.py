"""TaskRunner: the one way blocking work (Stripe / sandbox calls, start-up) leaves the GUI thread.

A TaskRunner is one worker thread with a queue: calls run one at a time, in the order they were
submitted (so the abandon() of a cancelled payment always finishes before the prepare() of the
next Charge), and each result or exception comes back to the GUI thread through a queued signal,
where the task's callback runs. stop() lets the queued work finish and joins the thread (with a
timeout); every owner calls it when it shuts down, and an owner deleted without it still ends the
thread (after the queued work) instead of leaving it blocked for ever.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 30.0
_STOP = None  # the queue's last item: the thread ends after the work queued before it


class Task:
    """One call for the worker thread, as submitted through TaskRunner.submit().

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
    """The worker emits on it; its receiver (the runner) lives on the GUI thread, so the slot runs there.

    It has no Qt parent: the worker thread keeps it alive for as long as it may emit, whatever
    happens to the runner meanwhile.
    """

    done = Signal(int, bool, object)  # task number, succeeded?, return value or exception


def _receiver_alive(callback) -> bool:
    """False when callback is a method of a Qt object already deleted (a closed dialog)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _is_user_facing(exc: BaseException) -> bool:
    from pos_app.errors import UserFacingError
    return isinstance(exc, UserFacingError)


def _work(calls: queue.Queue, relay: _Relay) -> None:  # the worker thread
    while (item := calls.get()) is not _STOP:
        number, name, fn = item
        del item
        try:
            value, ok = fn(), True
        except Exception as exc:  # handed to the GUI thread, which shows or logs it
            log.info("%s failed: %s", name, exc, exc_info=not _is_user_facing(exc))
            value, ok = exc, False
        del fn
        relay.done.emit(number, ok, value)
        del value
    relay.deleteLater()  # on the GUI thread, its own, once the answers already posted are delivered


class TaskRunner(QObject):
    """One worker thread (`pos-<name>`, started with the first task) running submitted calls in order."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, name: str = "worker") -> None:
        super().__init__(parent)
        self.thread_name = f"pos-{name}"
        self._calls: queue.Queue = queue.Queue()
        self._relay = _Relay()
        self._relay.done.connect(self._on_relay_done)
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._tasks: dict[int, Task] = {}  # submitted, not yet answered
        self._numbers = itertools.count(1)
        calls = self._calls
        self.destroyed.connect(lambda *_: calls.put(_STOP))  # deleted without stop(): the thread still ends

    def submit(self, name: str, fn: Callable[[], object], on_success: Callable[[object], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None) -> Task:
        task = Task(next(self._numbers), name, on_success, on_failure)
        if self._stopped:
            log.warning("%s not run: the %s thread has stopped", name, self.thread_name)
            return task
        was_idle = not self._tasks
        self._tasks[task.number] = task
        self._calls.put((task.number, name, fn))
        if self._thread is None:
            self._thread = threading.Thread(target=_work, args=(self._calls, self._relay), name=self.thread_name,
                                            daemon=True)  # a thread stop() gave up on never blocks the exit
            self._thread.start()
        if was_idle:
            self.busy_changed.emit(True)
        return task

    @property
    def busy(self) -> bool:
        """Tasks submitted whose answer has not reached the GUI thread yet."""
        return bool(self._tasks)

    @property
    def running(self) -> bool:
        """The worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _on_relay_done(self, number: int, ok: bool, value: object) -> None:
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

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        """Refuse new tasks, let the queued ones finish, join the thread; True if it has ended.

        Answers of the last tasks still come to their callbacks, on the next turns of the event loop.
        """
        if not self._stopped:
            self._stopped = True
            self._calls.put(_STOP)
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.warning("%s still busy after %g s at stop", self.thread_name, timeout_s)
            return False
        return True
