"""ScannerInput: the catalogue search field as a cashier's keyboard and a barcode scanner's input.

A scanner types a code's digits in a few milliseconds, then Enter. Digits are therefore searched
once, on the next turn of the event loop (after the key events already queued), instead of once
per digit; other text is searched inside its key event, so the list answers each key as it is
typed. Enter on a known barcode adds its item without searching and empties the field for the
next code; Enter on anything else is the window's (it adds the highlighted item).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLineEdit

MIN_BARCODE_LENGTH = 6


class ScannerInput(QObject):
    """Drives `search()` for the field's text; `scan(code)` adds a barcode's item (None: no such barcode,
    else whether it was added); `enter(text)` is Enter on anything else, after the list has caught up."""

    def __init__(self, field: QLineEdit, search: Callable[[], None], scan: Callable[[str], bool | None],
                 enter: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._field, self._search, self._scan, self._enter = field, search, scan, enter
        self._clearing_after_scan = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # after the key events already queued: a scanner's burst
        self._timer.timeout.connect(self.search_now)
        field.textChanged.connect(self._on_field_text_changed)
        field.returnPressed.connect(self._on_field_return_pressed)

    @property
    def pending(self) -> bool:
        """A coalesced search has not run yet."""
        return self._timer.isActive()

    def search_now(self) -> None:
        """Search for the field's text now (also what flushes a pending coalesced search)."""
        self._timer.stop()
        self._search()

    def _on_field_text_changed(self, text: str) -> None:
        # Digits may be a scanner halfway through a code (13 keys in a few ms, then Enter, which
        # finds the barcode itself). Other text is searched at once (PosDriver.search reads the
        # list right after typing). Emptying the field after a scan lists everything on the next turn.
        if self._clearing_after_scan or text.strip().isdigit():
            self._timer.start()
        else:
            self.search_now()

    def _on_field_return_pressed(self) -> None:
        text = self._field.text().strip()
        if text.isdigit() and len(text) >= MIN_BARCODE_LENGTH:
            added = self._scan(text)
            if added is not None:
                if added:
                    self._clear_after_scan()
                return
        self.search_now()  # the list answers the text as typed now (a search may be pending)
        self._enter(text)

    def _clear_after_scan(self) -> None:
        """Empty the field for the scanner's next code; the full list comes back on the next loop turn."""
        self._clearing_after_scan = True
        try:
            self._field.clear()
        finally:
            self._clearing_after_scan = False
