"""The link to a receipt printer: python-escpos's File, Network, Usb or Serial, one per POS_PRINTER.

A connection is opened for each job and closed after it: a network printer takes one client at a
time (a held socket would lock out the office PC), and a USB printer unplugged and back is
found again on the next receipt. Timeouts are short, so a switched-off printer costs a job a few
seconds, not the 60 s escpos waits by default.
"""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Callable
from typing import Any

from pos_app.config import ConfigError, PrinterSetting
from pos_app.devices.escpos_lib import escpos_printers

NETWORK_TIMEOUT_S = 5
USB_TIMEOUT_MS = 5000
SERIAL_TIMEOUT_S = 5
#: the Python package each kind needs beyond python-escpos, and python-escpos's extra that brings it
NEEDS = {"usb": ("usb", "usb"), "serial": ("serial", "serial")}

Connect = Callable[[], Any]  # an opened escpos printer: ._raw(bytes) writes, .close()


def check_usable(setting: PrinterSetting) -> None:
    """Refuse at start-up a kind whose driver package is missing (escpos would fail on every job)."""
    module, extra = NEEDS.get(setting.kind, (None, None))
    if module is not None and importlib.util.find_spec(module) is None:
        raise ConfigError(f"POS_PRINTER={setting}: a {setting.kind} printer needs the {module!r} package; "
                          f"install it with: pip install 'python-escpos[{extra}]'")


def connector(setting: PrinterSetting) -> Connect:
    """A function that opens the printer `setting` names (raises if it is not there)."""
    kinds: dict[str, Connect] = {
        "file": lambda: _opened(_appending_file(setting.path)),
        "network": lambda: _opened(_network(setting.host, setting.port)),
        "usb": lambda: _opened(escpos_printers().Usb(setting.vendor_id, setting.product_id, timeout=USB_TIMEOUT_MS)),
        "serial": lambda: _opened(escpos_printers().Serial(setting.path, setting.baudrate, timeout=SERIAL_TIMEOUT_S)),
    }
    if setting.kind not in kinds:
        raise ValueError(f"no connection for a printer of kind {setting.kind!r}")
    return kinds[setting.kind]


def _opened(printer: Any) -> Any:
    printer.open()  # raises escpos's DeviceNotFoundError when the printer isn't there
    return printer


def _appending_file(path: str) -> Any:
    """escpos's File printer, appending: the file keeps every job (training and tests read it)."""
    class AppendingFile(escpos_printers().File):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            # File truncates ("wb"); ours records every job. The handle is escpos's until close().
            self.device = open(self.devfile, "ab")  # noqa: SIM115

    return AppendingFile(path)


def _network(host: str, port: int) -> Any:
    """escpos's Network printer, connecting with socket.create_connection: escpos's own open()
    drops the socket of a failed connection without closing it."""
    class ClosingNetwork(escpos_printers().Network):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)

    return ClosingNetwork(host, port, timeout=NETWORK_TIMEOUT_S)
