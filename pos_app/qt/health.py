"""Endpoint and gateway health for the status bar, checked every so often off the GUI thread.

The endpoint is healthy while its server thread runs; the gateway while a cheap read (PaymentIntents
created in the last second) answers. The probe runs on a TaskRunner of its own (`pos-health`),
never on the checkout worker, so a processor that hangs never delays a Charge; stop() joins it.
"""

from __future__ import annotations

import logging
import time

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.qt.workers import TaskRunner

if TYPE_CHECKING:
    from pos_app.contexts import Endpoint
    from pos_app.payments.gateway import PaymentGateway

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 30_000
STOP_TIMEOUT_S = 5.0  # a probe stuck on a dead processor is given up at quit (its thread is a daemon)


class HealthMonitor(QObject):
    #: endpoint healthy, gateway healthy, detail (safe to show)
    checked = Signal(bool, bool, str)

    def __init__(self, endpoint: Endpoint, gateway: PaymentGateway, interval_ms: int = CHECK_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._endpoint, self._gateway = endpoint, gateway
        self._runner = TaskRunner(self, name="health")
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        self._timer.start()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        """No more checks; join the probe's thread. True if it has ended."""
        self._closed = True
        self._timer.stop()
        return self._runner.stop(timeout_s)

    def check_now(self) -> bool:
        """Start a check unless one is running; the result comes with `checked`."""
        if self._closed or self._runner.busy:
            return False
        endpoint, gateway = self._endpoint, self._gateway  # the worker holds these, never this QObject
        self._runner.submit("health check", lambda: probe(endpoint, gateway), self._on_probe_done)
        return True

    def _on_probe_done(self, result) -> None:
        if result is not None and not self._closed:
            self.checked.emit(*result)


def probe(endpoint: Endpoint, gateway: PaymentGateway) -> tuple[bool, bool, str] | None:
    """(endpoint healthy, gateway healthy, detail); None if the check itself broke. Blocking: off the GUI thread."""
    try:
        endpoint_ok = endpoint.is_running()
        detail, gateway_ok = "", False
        now = int(time.time())
        try:
            gateway.list_intents(created_gte=now - 1, created_lt=now)
            gateway_ok = True
        except UserFacingError as exc:
            detail = exc.message
        if not endpoint_ok:
            detail = _("the local endpoint has stopped") + (f"; {detail}" if detail else "")
        return endpoint_ok, gateway_ok, detail
    except Exception:  # a broken check must not take the till down; it is tried again later
        log.exception("health check failed")
        return None
