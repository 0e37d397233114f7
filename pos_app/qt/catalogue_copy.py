"""The status bar's word on the till's copy of the shop's catalogue while it is first made (store/catalogue_replica.py).

A till's first start on a shop's database copies the catalogue for its search (minutes at a million
items); meanwhile the search runs on the shop database, slower. `statusCatalogueCopy` says so, with
how far the copy has got, and goes once the copy is ready (and shows again if the copy is made afresh,
for a shop database replaced or restored). It reads two attributes of the copy every
PROGRESS_INTERVAL_MS: no store call on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from pos_app.i18n import _

if TYPE_CHECKING:
    from pos_app.store.catalogue_replica import CatalogueReplica

PROGRESS_INTERVAL_MS = 500


class CatalogueCopyStatus(QObject):
    def __init__(self, replica: CatalogueReplica, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._replica = replica
        self.label = QLabel(status_bar)
        self.label.setObjectName("statusCatalogueCopy")
        self.label.setToolTip(_("Until this till's copy of the catalogue is made, the search asks the shop database "
                                "(slower). Prices and sales are not affected."))
        status_bar.addPermanentWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._show)
        self._show()
        self._timer.start()  # on: a copy can be made afresh later (the shop database replaced)

    def _show(self) -> None:
        if self._replica.ready:
            self.label.hide()
            return
        progress = self._replica.progress
        if progress is not None and progress[1] > 0:
            self.label.setText(_("Catalogue: copying for the search, {percent}%").format(
                percent=min(100, progress[0] * 100 // progress[1])))
        else:
            self.label.setText(_("Catalogue: copying for the search…"))
        self.label.show()
