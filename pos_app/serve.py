"""`pos-app serve`: store + endpoint (+ sandbox in training mode) with no window.

When ready it prints ONE JSON line to stdout (url, token, mode, sandbox_url in training mode,
publishable_key; never the secret key), then serves until SIGINT or SIGTERM and stops cleanly.
Logs go to stderr, so stdout carries only that line.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from typing import TYPE_CHECKING

from pos_app.config import TRAINING, Settings
from pos_app.core import AppCore
from pos_app.errors import UserFacingError

if TYPE_CHECKING:
    from pos_app.contexts import PaymentsContext
    from pos_app.payments.checkout import CheckoutService

log = logging.getLogger(__name__)


def ready_line(payments: PaymentsContext, mode: str) -> dict[str, str]:
    endpoint = payments.endpoint
    line = {"url": endpoint.url, "token": endpoint.token, "mode": mode}
    if mode == TRAINING and payments.sandbox_url:
        line["sandbox_url"] = payments.sandbox_url
    line["publishable_key"] = payments.publishable_key
    if endpoint.certificate_fingerprint:
        line["certificate_sha256"] = endpoint.certificate_fingerprint
    return line


def reconcile(checkout: CheckoutService) -> None:
    """Settle payments left open by a previous run; serve anyway if Stripe can't be reached."""
    try:
        report = checkout.reconcile()
    except UserFacingError as exc:
        log.warning("start-up reconciliation failed: %s", exc)
        return
    if report.in_doubt:
        log.warning("start-up reconciliation: a payment is in doubt (%s); the cart stays as charged "
                    "until a later check reaches the card processor", report.error)


def run_serve(settings: Settings) -> int:
    stop = threading.Event()

    def _on_signal(signum, _frame) -> None:
        stop.set()  # only that: logging from a signal handler can deadlock on the logging lock

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    core = AppCore(settings, command="pos-app serve")
    try:
        core.open()
        payments = core.start_services()
        reconcile(payments.checkout)
        if stop.is_set():
            return 0
        try:
            print(json.dumps(ready_line(payments, core.mode)), flush=True)
        except BrokenPipeError:
            log.warning("stdout is closed; serving anyway")
        log.info("serving %s (%s mode); stop with Ctrl+C", payments.endpoint.url, core.mode)
        while not stop.wait(1.0):
            pass
        log.info("stopping")
        return 0
    finally:
        core.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
