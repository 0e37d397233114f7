"""ParkingDriving: parked sales worked as a cashier does (PosDriver's part).

park(label=None) presses Park (F5's button), types the label if given and presses Enter; it
returns the parked sale's id. parked() reads the parked sales off the Recall… list (opened and
closed with Esc). recall(parked_id) opens the list, moves to that sale with the arrow keys and
presses Enter; the cart then shows its lines.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.qt.parked_model import PARKED_ID_ROLE, ParkedColumn
from pos_app.qt.parking_controls import ParkingControls
from pos_app.testing.screen import TillScreen


class ParkingDriving(TillScreen):
    """Park, the list of parked sales, recall."""

    @property
    def _parking(self) -> ParkingControls:
        controls = self.window.findChild(ParkingControls, "parkingControls")
        if controls is None:
            raise AssertionError("this till window has no Park / Recall controls (built without build_main_window)")
        return controls

    def park(self, label: str | None = None) -> int:
        """Park the sale (with `label`, else the till names it "Parked <time>"); the parked sale's id."""
        self._ready_for_cart_action("park the sale")
        parking, before = self._parking, self.window.local.carts.snapshot()
        self._click(parking.park_button)
        self._wait(lambda: parking.park_dialog is not None or self._message()[1] == "error",
                   "the park dialog to open")
        dialog = parking.park_dialog
        if dialog is None:
            raise AssertionError(f"the till refused to park: {self._message()[0]!r}.\n{self.screen()}")
        if label:
            QTest.keyClicks(dialog.label, label)
        QTest.keyClick(dialog.label, Qt.Key.Key_Return)
        self._closed_or_refused(dialog, lambda: parking.park_dialog, "the sale to be parked")
        self._wait(lambda: self.cart() == {}, "the cart to be empty after parking")
        return before.cart_id

    def parked(self) -> list[dict]:
        """The parked sales as the Recall… list shows them, newest first: {id, label, lines, total, parked_by,
        parked_at} (lines a count, total and parked_at as shown)."""
        dialog = self._open_parked()
        model, rows = dialog.model, []
        for row in range(model.rowCount()):
            def cell(column: ParkedColumn, row: int = row) -> str:
                return model.index(row, column).data()
            rows.append({"id": model.index(row, 0).data(PARKED_ID_ROLE), "label": cell(ParkedColumn.LABEL),
                         "lines": int(cell(ParkedColumn.LINES)), "total": cell(ParkedColumn.TOTAL),
                         "parked_by": cell(ParkedColumn.PARKED_BY), "parked_at": cell(ParkedColumn.PARKED_AT)})
        QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
        self._wait(lambda: self._parking.parked_dialog is None, "the list of parked sales to close")
        return rows

    def recall(self, parked_id: int) -> None:
        """Open Recall…, arrow down to the sale `parked_id`, Enter: its lines are the cart's again."""
        dialog = self._open_parked()
        model = dialog.model
        ids = [model.index(row, 0).data(PARKED_ID_ROLE) for row in range(model.rowCount())]
        if parked_id not in ids:
            QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
            raise AssertionError(f"no parked sale {parked_id} is listed (listed: {ids}).\n{self.screen()}")
        for _ in range(ids.index(parked_id)):
            QTest.keyClick(dialog.table, Qt.Key.Key_Down)
        self._wait(lambda: dialog.selected_id() == parked_id, f"parked sale {parked_id} to be chosen")
        QTest.keyClick(dialog.table, Qt.Key.Key_Return)
        parking = self._parking
        self._closed_or_refused(dialog, lambda: parking.parked_dialog, "the sale to be recalled")

    def _closed_or_refused(self, dialog, still_open: Callable[[], object], expected: str) -> None:
        """Wait until the dialog closed (done) or its status says why not (then close it and raise that)."""
        self._wait(lambda: still_open() is None or dialog.status.property("kind") == "error",
                   f"{expected} or the {dialog.objectName()} to say why not")
        if still_open() is not None:
            text = dialog.status.text()
            dialog.reject()
            raise AssertionError(f"the {dialog.objectName()} says {text!r}.\n{self.screen()}")

    def _open_parked(self):
        self._ready_for_cart_action("open the parked sales")
        parking = self._parking
        self._click(parking.recall_button)
        self._wait(lambda: parking.parked_dialog is not None, "the list of parked sales to open")
        dialog = parking.parked_dialog
        assert dialog is not None
        return dialog
