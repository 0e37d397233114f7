"""ListenerRelay: listener calls from any thread become slot calls on the GUI thread, never after close."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from pos_app.qt.listeners import ListenerRelay

pytestmark = pytest.mark.gui


class Listeners:
    """The subscribe() contract of CartService and CheckoutService: a list of callables."""

    def __init__(self) -> None:
        self.listeners: list = []

    def subscribe(self, listener):
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def emit(self, *args) -> None:
        for listener in list(self.listeners):
            listener(*args)


def test_calls_from_a_thread_run_the_slot_on_the_gui_thread(qtbot):
    service, owner, heard = Listeners(), QWidget(), []
    relay = ListenerRelay(service.subscribe, lambda *args: heard.append((args, threading.current_thread())), owner)
    thread = threading.Thread(target=lambda: service.emit("finalized", 1))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: heard != [], timeout=5000)
    assert heard == [(("finalized", 1), threading.main_thread())]
    relay.close()
    assert service.listeners == [] and relay.closed
    service.emit("late")
    qtbot.wait(20)
    assert len(heard) == 1
    shiboken6.delete(owner)


def test_a_call_on_the_gui_thread_runs_at_once(qtbot):
    service, owner, heard = Listeners(), QWidget(), []
    ListenerRelay(service.subscribe, heard.append, owner)
    service.emit("now")
    assert heard == ["now"]
    shiboken6.delete(owner)
    service.emit("after")
    assert heard == ["now"] and service.listeners == []


def test_a_call_still_queued_at_close_is_dropped(qtbot):
    service, owner, heard = Listeners(), QWidget(), []
    relay = ListenerRelay(service.subscribe, heard.append, owner)
    thread = threading.Thread(target=lambda: service.emit("queued"))
    thread.start()
    thread.join()  # queued to the GUI thread, not delivered yet
    relay.close()
    qtbot.wait(20)
    assert heard == []
    shiboken6.delete(owner)


def test_an_owner_deleted_while_a_thread_calls_the_listener_is_safe(qtbot):
    """The race the history window's `isValid` check left open: emits from a worker while the owner goes away."""
    service = Listeners()
    for _round in range(30):
        owner, heard, stop = QWidget(), [], threading.Event()
        ListenerRelay(service.subscribe, heard.append, owner)

        def hammer(stop=stop):
            while not stop.is_set():
                service.emit("event")

        thread = threading.Thread(target=hammer)
        thread.start()
        qtbot.waitUntil(lambda heard=heard: heard != [], timeout=5000)  # calls are arriving
        shiboken6.delete(owner)  # the window closes mid-stream
        assert service.listeners == []  # unsubscribed as the owner went
        stop.set()
        thread.join()
        qtbot.wait(1)  # calls queued before the deletion are dropped with the relay, not run
    assert service.listeners == []


def test_close_after_qt_deleted_the_emitter_at_teardown_raises_nothing(qtbot):
    """At application exit Qt deletes the relay's emitter before the relay closes (it printed
    "Internal C++ object (_Emitter) already deleted" at every benchmark's end). Fault injected:
    the emitter deleted by hand, as Qt's teardown does."""
    service, owner = Listeners(), QWidget()
    relay = ListenerRelay(service.subscribe, lambda *args: None, owner)
    shiboken6.delete(relay._gate.emitter)
    relay.close()
    assert service.listeners == [] and relay.closed
    shiboken6.delete(owner)
