"""The till's word on its shop database (PostgreSQL): unreachable, and back, in the status bar and the message bar.

ShopDatabaseMonitor checks the store's PostgreSQL connections every CHECK_INTERVAL_MS on a
TaskRunner of its own (`pos-shop-db`), so it notices the server going away without a cashier
action, and reconnects when it is back: the GUI thread never waits on connecting (calls fail at
once while the server is away, pg_link.py). A call that finds the server gone says so at once
through the databases' listeners. Back: the cart is reloaded if a commit was in doubt, and a
reconcile runs (a card paid while the sale could not be recorded is recorded then).

On SQLite there is no shop database: ShopDatabaseStatus does nothing, and nothing of PostgreSQL
is imported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from pos_app.i18n import _
from pos_app.qt.listeners import ListenerRelay
from pos_app.qt.workers import TaskRunner

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartService

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 2_000
STOP_TIMEOUT_S = 5.0


class ShopDatabaseMonitor(QObject):
    """Whether the shop database is reachable, from checks off the GUI thread and from calls that failed."""

    availability_changed = Signal(bool)

    def __init__(self, databases: Sequence[Any], carts: CartService, interval_ms: int = CHECK_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._databases, self._carts = list(databases), carts
        self.available = True
        self._closed = False
        self._runner = TaskRunner(self, name="shop-db")
        self._relays = [ListenerRelay(db.subscribe_availability, self._on_database_availability, self)
                        for db in self._databases]
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        self._timer.start()
        self.check_now()  # from now on the checks reconnect, never a call on the GUI thread

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        self._closed = True
        self._timer.stop()
        for relay in self._relays:
            relay.close()
        return self._runner.stop(timeout_s)

    def check_now(self) -> bool:
        """Start a check unless one is running; a change comes with `availability_changed`."""
        if self._closed or self._runner.busy:
            return False
        databases, carts = self._databases, self._carts  # the worker holds these, never this QObject
        self._runner.submit("shop database check", lambda: check_shop_database(databases, carts),
                            self._on_runner_checked)
        return True

    def _on_runner_checked(self, available: object) -> None:
        if isinstance(available, bool):
            self._show(available)

    def _on_database_availability(self, available: bool) -> None:
        if available:
            self.check_now()  # confirmed (and the cart reloaded if need be) by a check
        else:
            self._show(False)

    def _show(self, available: bool) -> None:
        if self._closed or available == self.available:
            return
        self.available = available
        self.availability_changed.emit(available)


def check_shop_database(databases: Sequence[Any], carts: CartService) -> bool | None:
    """Reach every database now (reconnecting); reachable: the cart as the database holds it.
    Blocking: off the GUI thread. None if the check itself broke."""
    try:
        available = all([db.check() for db in databases])
        if available:
            carts.resync()
        return available
    except Exception:  # a broken check must not take the till down; it is tried again later
        log.exception("shop database check failed")
        return None


class ShopDatabaseStatus(QObject):
    """The window's part: the status bar's statusDatabase item, the message bar, a reconcile when back."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        store = window.local.store
        databases = [db for db in (store.db, store.catalogue.db) if getattr(db, "dialect", "") == "postgresql"]
        self.monitor: ShopDatabaseMonitor | None = None
        self.label: QLabel | None = None
        if not databases:
            return
        label = self.label = QLabel(_("Shop database: OK"), window.status_bar)
        label.setObjectName("statusDatabase")
        label.setProperty("healthy", True)
        window.status_bar.addPermanentWidget(label)
        self.monitor = ShopDatabaseMonitor(databases, store.carts, parent=self)
        self.monitor.availability_changed.connect(self._on_monitor_availability_changed)
        self.monitor.start()
        replica = getattr(store.catalogue, "replica", None)
        if replica is not None:  # a selling till: its search's copy of the catalogue, while first made
            from pos_app.qt.catalogue_copy import CatalogueCopyStatus
            self.catalogue_copy = CatalogueCopyStatus(replica, window.status_bar)

    def stop(self) -> None:
        if self.monitor is not None:
            self.monitor.stop()

    def _on_monitor_availability_changed(self, available: bool) -> None:
        from pos_app.store.pg_link import unavailable_text
        label, window = self.label, self._window
        assert label is not None
        label.setText(_("Shop database: OK") if available else _("Shop database: unreachable"))
        label.setToolTip("" if available else unavailable_text())
        label.setProperty("healthy", available)
        if available:
            window.show_info(_("The shop database is back: selling goes on."))
            window.start_reconcile()  # a payment that could not be recorded meanwhile is recorded now
        else:
            window.show_error(unavailable_text())
