"""ListenerRelay: the one way a core listener (called on any thread) reaches a slot on the GUI thread.

CartService and CheckoutService call their listeners on whichever thread made the change: the
GUI, an HTTP request of the local endpoint, a checkout worker. A relay subscribes a listener that
calls `slot` at once when called on the GUI thread, and from any other thread emits a queued
signal, so `slot` runs on the GUI thread, on a later turn of its event loop.

The race it closes: a listener may run on a worker at the very moment the window that owns the
relay is deleted. Checking `shiboken6.isValid(obj)` and then emitting on it can still emit on an
object being destroyed. Here the listener emits, under a lock, on a parentless emitter that is also
the signal's receiver: neither the owner nor the relay is on the signal's path. close() (explicit,
or when the owner is destroyed) takes the emitter away under that lock and only then unsubscribes
and deletes it (deleteLater, on the GUI thread), so no emit is ever in flight on an object being
deleted, and calls still queued find the slot gone. A relay closed does not reopen: make a new one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot


class _Emitter(QObject):
    """Emitted on by any thread and its own receiver, on the GUI thread; never deleted while one may emit.

    Neither the owner nor the relay is on the signal's path, so their deletion never races a
    worker's emit; the emitter goes by deleteLater() once the gate is shut, after the calls
    already queued to it (which find the gate shut and do nothing).
    """

    called = Signal(object)  # a tuple: the listener's arguments

    def __init__(self, gate: _Gate) -> None:
        super().__init__()
        self._gate = gate
        self.called.connect(self._on_called, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_called(self, args: tuple) -> None:
        self._gate.deliver(args)


class _Gate:
    """The listener side: plain Python, holding the slot until close() and the emitter while it may emit."""

    def __init__(self, slot: Callable) -> None:
        self.gui_thread = threading.get_ident()  # built there
        self.lock = threading.Lock()
        self.slot: Callable | None = slot
        self.emitter: _Emitter | None = _Emitter(self)
        self.unsubscribe: Callable[[], object] | None = None

    def listener(self, *args) -> None:  # any thread
        if threading.get_ident() == self.gui_thread:
            self.deliver(args)  # at once, as Qt's AutoConnection would: the window sees its own change now
            return
        with self.lock:
            if self.emitter is not None:
                self.emitter.called.emit(args)

    def deliver(self, args: tuple) -> None:  # the GUI thread
        slot = self.slot
        if slot is not None:
            slot(*args)

    def close(self, *_destroyed) -> None:  # the GUI thread
        with self.lock:  # waits for an emit in flight; none starts after
            emitter, self.emitter = self.emitter, None
            unsubscribe, self.unsubscribe = self.unsubscribe, None
            self.slot = None
        if unsubscribe is not None:
            unsubscribe()  # outside the lock: the service may hold its own while calling listeners
        # At application teardown Qt may have deleted the emitter already (its parent thread's objects
        # go first): then there is nothing left to delete.
        if emitter is not None and shiboken6.isValid(emitter):
            self.retired = emitter  # kept until Qt deletes it: close() may run inside its own slot
            emitter.deleteLater()


class ListenerRelay(QObject):
    """subscribe(listener) now; every listener call becomes slot(*args) on the GUI thread.

    `subscribe` returns an unsubscribe function (CartService.subscribe, CheckoutService.subscribe).
    The relay is a child of `owner`; it unsubscribes on close() or when the owner goes away, and a
    call still queued then is dropped.
    """

    def __init__(self, subscribe: Callable[[Callable], Callable[[], object]], slot: Callable, owner: QObject) -> None:
        super().__init__(owner)
        self._gate = _Gate(slot)
        self._gate.unsubscribe = subscribe(self._gate.listener)
        owner.destroyed.connect(self._gate.close)  # a plain function of the gate: it runs while Qt destroys

    @property
    def closed(self) -> bool:
        return self._gate.slot is None

    def close(self) -> None:
        """Stop listening (before the services close); idempotent."""
        self._gate.close()
