"""DeviceDriving: the PosDriver's part for the till's devices: the drawer and the receipt printer.

drawer_events() lists every opening of the cash drawer as recorded; printed() is what the file
printer received (the training default, `<data>/printer.bin`, or POS_PRINTER=file:PATH), so a
test can assert the receipt text and the drawer kick (b"\\x1bp"); no_sale() presses F8.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.devices import drawer_event
from pos_app.testing.screen import TillScreen

DRAWER_KICK = b"\x1bp"  # ESC p: the ESC/POS drawer kick


class DeviceDriving(TillScreen):
    def drawer_events(self) -> list[dict]:
        """Every opening of the drawer, oldest first: {"reason", "order" (its number or None), "kicked",
        "device", "time", "shift", "id"}."""
        store = self.local.store
        return [drawer_event(opening, store.orders) for opening in store.drawer.all()]

    def printed(self) -> bytes:
        """The bytes the file printer has received so far (b"" before the first job)."""
        setting = self.local.settings.receipt_printer
        if setting.kind != "file":
            raise AssertionError(f"the till's receipt printer is {setting}, not a file: printed() reads a file "
                                 "printer only (the training default, or POS_PRINTER=file:PATH)")
        path = Path(setting.path)
        return path.read_bytes() if path.exists() else b""

    def wait_printed(self) -> None:
        """Wait until the receipts queued after sales (POS_AUTO_PRINT) have been sent to the printer."""
        printer = self.local.printer
        if printer is not None and not printer.wait_printed(self.ui_timeout / 1000):
            raise AssertionError(f"the receipt printer still had receipts queued after {self.ui_timeout / 1000:g} s")

    def no_sale(self) -> dict:
        """Press F8 (No sale) in the till; returns the drawer event it recorded."""
        before = len(self.drawer_events())
        QTest.keyClick(self.window.search, Qt.Key.Key_F8)
        self._wait(lambda: len(self.drawer_events()) > before, "the no sale to open the drawer")
        return self.drawer_events()[-1]
