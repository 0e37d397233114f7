"""Endpoint and gateway health for the status bar, checked every so often off the GUI thread.

The endpoint is healthy while its server thread runs; the gateway while a cheap read (PaymentIntents
created in the last second) answers. The probe runs on a daemon thread of its own, never on the
checkout worker, so a processor that hangs never delays a Charge.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from pos_app.errors import UserFacingError

if TYPE_CHECKING:
    from pos_app.contexts import Endpoint
    from pos_app.payments.gateway import PaymentGateway

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 30_000


class HealthMonitor(QObject):
    #: endpoint healthy, gateway healthy, detail (safe to show)
    checked = Signal(bool, bool, str)

    def __init__(self, endpoint: Endpoint, gateway: PaymentGateway, interval_ms: int = CHECK_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._endpoint, self._gateway = endpoint, gateway
        self._busy = threading.Lock()
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._closed = True
        self._timer.stop()

    def check_now(self) -> bool:
        """Start a check unless one is running; the result comes with `checked`."""
        if self._closed or not self._busy.acquire(blocking=False):
            return False
        threading.Thread(target=self._probe, name="pos-health", daemon=True).start()
        return True

    def _probe(self) -> None:
        try:
            endpoint_ok = self._endpoint.is_running()
            detail, gateway_ok = "", False
            now = int(time.time())
            try:
                self._gateway.list_intents(created_gte=now - 1, created_lt=now)
                gateway_ok = True
            except UserFacingError as exc:
                detail = exc.message
            if not endpoint_ok:
                detail = "the local endpoint has stopped" + (f"; {detail}" if detail else "")
            if not self._closed:
                self.checked.emit(endpoint_ok, gateway_ok, detail)
        except Exception:  # a broken check must not take the till down; it is tried again later
            log.exception("health check failed")
        finally:
            self._busy.release()
