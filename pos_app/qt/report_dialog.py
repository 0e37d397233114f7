"""The end-of-day (Z) report window (objectName reportDialog).

Pick a day (today by default); the report is counted from the store and reconciled with the
card processor on a worker (the gateway is network), then shown with any difference in red.
Export CSV, save a PDF or print it on the till's roll printer.

Changing the day while a check is running is fine: only the answer for the day shown is used.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDateEdit, QDialog, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from pos_app.errors import UserFacingError
from pos_app.i18n import _, ngettext
from pos_app.qt.forms import child, load_form
from pos_app.qt.style import STATUS_STYLE, show_kind
from pos_app.qt.printing import print_document, report_document, save_pdf
from pos_app.qt.saving import save_as, write_or_say
from pos_app.qt.workers import TaskRunner
from pos_app.reports import DayReport, build_report, own_till, report_csv, report_html

if TYPE_CHECKING:
    from pos_app.config import Settings
    from pos_app.payments.gateway import PaymentGateway
    from pos_app.store.orders import OrderBook
    from pos_app.store.tenders import TenderBook

log = logging.getLogger(__name__)


class ReportDialog(QDialog):
    report_ready = Signal(object)  # DayReport, once shown
    report_failed = Signal(str)  # why it could not be counted (text safe to show)

    def __init__(self, orders: OrderBook, gateway: PaymentGateway, settings: Settings,
                 queue: TaskRunner, parent: QWidget | None = None, day: date | None = None, *,
                 tenders: TenderBook | None = None) -> None:
        """The day's report from `orders` (and the `tenders` of sales paid by them), checked with `gateway`
        on `queue`, for the shop of `settings`."""
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(_("End of day (Z) report"))
        self._orders, self._gateway, self._settings, self._tenders = orders, gateway, settings, tenders
        self._queue = queue  # the owner's: it joins it when it shuts down
        self._generation = 0
        self.report: DayReport | None = None

        form = load_form("report_dialog.ui", self)
        form.setStyleSheet(STATUS_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        self.date_edit: QDateEdit = child(form, QDateEdit, "reportDate")
        self.status: QLabel = child(form, QLabel, "reportStatus")
        self.view: QTextBrowser = child(form, QTextBrowser, "reportView")
        self.refresh_button: QPushButton = child(form, QPushButton, "refreshReportButton")
        self.export_button: QPushButton = child(form, QPushButton, "exportCsvButton")
        self.pdf_button: QPushButton = child(form, QPushButton, "saveReportPdfButton")
        self.print_button: QPushButton = child(form, QPushButton, "printReportButton")
        child(form, QPushButton, "closeReportButton").clicked.connect(self.close)

        day = day or date.today()
        self.date_edit.setMaximumDate(QDate.currentDate().addDays(1))
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        QShortcut(QKeySequence.StandardKey.Print, self, self._on_print_clicked)
        self._set_actions_enabled(False)
        self.resize(560, 720)
        self.refresh()

    # -- counting ------------------------------------------------------------------------------

    @property
    def day(self) -> date:
        return self.date_edit.date().toPython()

    def refresh(self) -> None:
        """Count the chosen day and check it with the gateway, on the worker."""
        self._generation += 1
        generation, day = self._generation, self.day
        self._set_actions_enabled(False)
        self._set_status(_("Counting {day} and checking it with the card processor…").format(
            day=day.isoformat()), "busy")
        orders, currency, gateway, tenders = self._orders, self._settings.currency, self._gateway, self._tenders
        terminal, till = self._settings.terminal_id, own_till(self._settings)
        self._queue.submit(f"z report {day}",
                           lambda: build_report(orders, day, currency, gateway, terminal, tenders=tenders, till=till),
                           on_success=lambda report: self._on_report_built(generation, report),
                           on_failure=lambda exc: self._on_report_failed(generation, exc))

    def _on_date_edit_date_changed(self, _date: QDate) -> None:
        self.refresh()

    def _on_report_built(self, generation: int, report: DayReport) -> None:
        if generation != self._generation:
            return  # an answer for a day no longer shown
        self.report = report
        self.view.setHtml(report_html(report, self._settings.shop_name, self._settings.locale))
        if report.gateway_error:
            self._set_status(_("Counted, but NOT checked with the card processor: {reason}").format(
                reason=report.gateway_error),
                             "warning")
        elif report.differences:
            count = len(report.differences)
            self._set_status(ngettext("{count} difference(s) with the card processor: see the list below.",
                                      "{count} difference(s) with the card processor: see the list below.",
                                      count).format(count=count), "error")
        else:
            self._set_status(_("Checked with the card processor: all payments match."), "ok")
        self._set_actions_enabled(True)
        self.report_ready.emit(report)

    def _on_report_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        text = str(exc) if isinstance(exc, UserFacingError) else _("The report could not be counted (see the log).")
        self.report = None
        self.view.clear()
        self._set_status(text, "error")
        self.report_failed.emit(text)

    # -- output --------------------------------------------------------------------------------

    def export_csv(self, path: Path | str) -> Path:
        """Write the shown report as CSV (what the Export CSV button does after asking where)."""
        if self.report is None:
            raise UserFacingError(_("There is no report to export yet."))
        path = Path(path)
        path.write_text(report_csv(self.report), encoding="utf-8")
        self._set_status(_("CSV saved to {path}").format(path=path), "ok")
        return path

    def save_pdf(self, path: Path | str) -> Path:
        if self.report is None:
            raise UserFacingError(_("There is no report to save yet."))
        return save_pdf(self.document(), path)

    def document(self):
        return report_document(self.report, self._settings, self._settings.mode)

    def _suggested(self, extension: str) -> str:
        return str(Path.home() / f"z-report-{self.day.isoformat()}.{extension}")

    def _on_export_clicked(self) -> None:
        save_as(self, _("Export Z report as CSV"), self._suggested("csv"), _("CSV files (*.csv)"), self.export_csv,
                self._say_error)

    def _on_pdf_clicked(self) -> None:
        save_as(self, _("Save Z report as PDF"), self._suggested("pdf"), _("PDF files (*.pdf)"),
                lambda path: self._set_status(_("PDF saved to {path}").format(path=self.save_pdf(path)), "ok"),
                self._say_error)

    def _on_print_clicked(self) -> None:
        if self.report is not None:
            write_or_say(lambda: print_document(self.document(), self), self._say_error)

    def _say_error(self, text: str) -> None:
        self._set_status(text, "error")

    # -- looks ---------------------------------------------------------------------------------

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.export_button, self.pdf_button, self.print_button):
            button.setEnabled(enabled)

    def _set_status(self, text: str, kind: str) -> None:
        show_kind(self.status, text, kind)  # busy, ok, warning, error
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

