"""ParkedDialog (objectName parkedDialog, form ui/parked_dialog.ui): the parked sales, newest first, to recall one.

Keyboard first: the table has the focus on its first row; arrows choose, Enter (or a double
click, or Recall) asks for the chosen sale with `recall_wanted(parked_id)`, Esc closes. It only
asks: ParkingControls recalls and closes it, or calls show_refused(text). The table's model is
ParkedModel (qt/parked_model.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.parked_model import PARKED_ID_ROLE, ParkedColumn, ParkedModel
from pos_app.qt.style import show_kind
from pos_app.store import ParkedCart

class ParkedDialog(QDialog):
    recall_wanted = Signal(int)  # the parked sale's id

    def __init__(self, parked: list[ParkedCart], currency: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parkedDialog")
        self.setWindowTitle(_("Parked sales"))
        self.setModal(True)
        form = load_form("parked_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.model = ParkedModel(parked, currency, locale, self)
        self.table: QTableView = child(form, QTableView, "parkedTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(ParkedColumn.LABEL, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.status: QLabel = child(form, QLabel, "parkedStatus")
        recall = child(form, QPushButton, "parkedRecallButton")
        recall.setAutoDefault(False)  # Enter is the table's (eventFilter): it would recall twice
        recall.clicked.connect(self._ask_recall)
        close = child(form, QPushButton, "parkedCloseButton")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        if parked:
            self.table.selectRow(0)
        else:
            show_kind(self.status, _("No sale is parked. Esc closes."), "info")
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(560, 320)

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(PARKED_ID_ROLE) if index.isValid() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # Enter recalls the row
            self._ask_recall()
            return True
        return False

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self._ask_recall()

    def _ask_recall(self) -> None:
        parked_id = self.selected_id()
        if parked_id is not None:
            self.recall_wanted.emit(parked_id)

    def show_refused(self, text: str) -> None:
        show_kind(self.status, text, "error")
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
