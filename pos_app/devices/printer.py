"""ReceiptPrinter: one ESC/POS receipt printer, which prints receipts and kicks the cash drawer.

One small interface over python-escpos: print_receipt(receipt) (now; raises PrinterError),
print_later(receipt) (on the printer's own thread, in order; the outcome goes to the listeners,
and to the log), kick_drawer() -> bool. Jobs on the device are one at a time (a lock), so a kick
never lands in the middle of a receipt. Each call does device I/O (a network printer: a TCP
connection, up to a few seconds when it is off): call print_receipt and kick_drawer off the GUI
thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.config import PrinterSetting
from pos_app.devices.connections import Connect, check_usable, connector
from pos_app.errors import UserFacingError

if TYPE_CHECKING:
    from pos_app.devices.receipt import Receipt

log = logging.getLogger(__name__)


class PrinterError(UserFacingError):
    pass


@dataclass(frozen=True)
class PrintOutcome:
    """How a print_later() job ended: error is None when the receipt reached the printer."""

    number: str  # the receipt's order number
    error: str | None


PrintListener = Callable[[PrintOutcome], None]


class ReceiptPrinter:
    def __init__(self, device: str, connect: Connect) -> None:
        self.device = device  # the setting's text, e.g. "network:10.0.0.9:9100" (recorded on drawer openings)
        self._connect = connect
        self._device_lock = threading.Lock()
        self._jobs: queue.Queue[Receipt | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._listeners: list[PrintListener] = []
        self._state_lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0  # print_later() jobs not yet tried

    # -- now -------------------------------------------------------------------------------------

    def print_receipt(self, receipt: Receipt) -> None:
        """Print the receipt; PrinterError says why it could not."""
        from pos_app.devices.escpos_receipt import render_receipt  # at the first print, not at start-up
        self._send(render_receipt(receipt), f"print receipt {receipt.number}")

    def kick_drawer(self) -> bool:
        """Send the drawer kick (ESC p); False (and logged) if the printer could not be reached."""
        try:
            from pos_app.devices.escpos_receipt import DRAWER_KICK
            self._send(DRAWER_KICK, "open the cash drawer")
        except PrinterError as exc:
            log.warning("%s", exc)
            return False
        return True

    def _send(self, data: bytes, what: str) -> None:
        with self._device_lock:
            try:
                printer = self._connect()
                try:
                    # escpos's documented way to send a Dummy's collected output to a real printer
                    printer._raw(data)
                finally:
                    printer.close()
            except Exception as exc:  # escpos raises its own errors, OSError, usb/serial errors
                raise PrinterError(f"Could not {what} on the receipt printer ({self.device}): {exc}") from exc

    # -- later, in order, on the printer's thread ------------------------------------------------

    def print_later(self, receipt: Receipt) -> None:
        """Queue the receipt; the listeners hear how it went (on the printer's thread)."""
        with self._state_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pos-printer", daemon=True)
                self._thread.start()
            with self._idle:
                self._pending += 1
            self._jobs.put(receipt)

    def subscribe(self, listener: PrintListener) -> Callable[[], None]:
        """listener(PrintOutcome) after each print_later() job; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def wait_printed(self, timeout: float | None = None) -> bool:
        """Wait until every queued receipt has been tried; False if the time ran out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Print what is queued, then end the thread."""
        with self._state_lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._jobs.put(None)
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            receipt = self._jobs.get()
            if receipt is None:
                return
            try:
                self._print_one(receipt)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _print_one(self, receipt: Receipt) -> None:
        try:
            self.print_receipt(receipt)
            outcome = PrintOutcome(receipt.number, None)
        except PrinterError as exc:
            log.error("%s", exc)
            outcome = PrintOutcome(receipt.number, str(exc))
        except Exception as exc:  # a rendering bug must not end the thread; the sale is recorded anyway
            log.exception("receipt %s could not be rendered", receipt.number)
            outcome = PrintOutcome(receipt.number, f"Receipt {receipt.number} could not be printed: {exc}")
        for listener in list(self._listeners):
            try:
                listener(outcome)
            except Exception:
                log.exception("a print listener failed")


def open_printer(setting: PrinterSetting) -> ReceiptPrinter | None:
    """The receipt printer the setting names, or None for `none`; ConfigError if it can't work here."""
    if setting.kind == "none":
        return None
    check_usable(setting)
    return ReceiptPrinter(str(setting), connector(setting))
