"""The shift dialog (objectName shiftDialog): open with a float, paid in / out and drops, the X, the blind close.

Three pages: with no open shift, the float; with one, the cash steps, the X report and Close
shift; closing, the blind count: the report view is emptied and the X refused (the service's
BlindCount) until the count is given, then the Z is shown with its card total checked against
the card processor. A count under way when the dialog opens (the till restarted mid-count) is
taken up: the dialog goes straight to the count. Every step runs on the owner's TaskRunner: the
drawer kick goes to a printer, which may be on the network.

The keyboard alone works it: Enter opens the shift (the float) or closes it with the count; on
the cash page Enter in the amount goes on to the reason, and the steps are Alt+I / Alt+U / Alt+D
(or Tab to one, Enter); Esc during the count cancels the count (the shift stays open), else it
closes the dialog.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QLabel, QLineEdit, QPushButton, QStackedWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

from pos_app.cash_office import BlindCount, ShiftReport, ShiftService
from pos_app.config import TRAINING
from pos_app.domain.money import Money, MoneyError, format_money, parse_money
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.staff.service import ApprovalRequired
from pos_app.qt.approval_dialog import ApprovalDialog, ask_approval
from pos_app.qt.forms import child, load_form
from pos_app.qt.saving import save_as, write_or_say
from pos_app.qt.style import STATUS_STYLE, show_kind
from pos_app.shift_reports import CardCheck, check_card_total, shift_report_csv, shift_report_html

if TYPE_CHECKING:
    from pos_app.config import Settings
    from pos_app.payments.gateway import PaymentGateway
    from pos_app.qt.workers import TaskRunner
    from pos_app.store.orders import OrderBook

log = logging.getLogger(__name__)
#: A cash step, as the message after it names it.
CASH_STEP_NAMES = {"paid_in": N_("Paid in"), "paid_out": N_("Paid out"), "drop": N_("Drop")}

OPEN_PAGE, SHIFT_PAGE, COUNT_PAGE = range(3)


class ShiftDialog(QDialog):
    shift_changed = Signal()  # opened or closed: the till shows whether it can sell
    step_done = Signal(str)  # what was done (text safe to show), after any step succeeded
    step_failed = Signal(str)  # why a step was refused (text safe to show)
    report_shown = Signal(object)  # ShiftReport (X or Z), once shown

    def __init__(self, shifts: ShiftService, orders: OrderBook, gateway: PaymentGateway | None, settings: Settings,
                 queue: TaskRunner, parent: QWidget | None = None) -> None:
        """The cash office of `shifts`; the Z's card check asks `gateway` (None: payments not started)."""
        super().__init__(parent)
        self.setObjectName("shiftDialog")
        self.setWindowTitle(_("Shift"))
        self._shifts, self._orders, self._gateway, self._settings, self._queue = shifts, orders, gateway, settings, \
            queue
        self._count: BlindCount | None = None
        self.report: ShiftReport | None = None
        self.check: CardCheck | None = None
        self.approval: ApprovalDialog | None = None  # a manager's PIN asked for, to close a cashier's shift
        self._build()
        self.show_state()

    def _build(self) -> None:
        form = load_form("shift_dialog.ui", self)
        form.setStyleSheet(STATUS_STYLE)
        QVBoxLayout(self).addWidget(form)
        self.status: QLabel = child(form, QLabel, "shiftStatus")
        self.pages: QStackedWidget = child(form, QStackedWidget, "shiftPages")
        self.float_edit: QLineEdit = child(form, QLineEdit, "floatEdit")
        self.amount_edit: QLineEdit = child(form, QLineEdit, "cashAmountEdit")
        self.reason_edit: QLineEdit = child(form, QLineEdit, "cashReasonEdit")
        self.counted_edit: QLineEdit = child(form, QLineEdit, "countedEdit")
        self.message: QLabel = child(form, QLabel, "shiftMessage")
        self.view: QTextBrowser = child(form, QTextBrowser, "shiftReportView")
        self.open_button: QPushButton = child(form, QPushButton, "openShiftButton")
        self.confirm_count_button: QPushButton = child(form, QPushButton, "confirmCountButton")
        self.output_buttons = [child(form, QPushButton, name) for name in
                               ("shiftCsvButton", "shiftPdfButton", "shiftPrintButton")]
        actions = {"openShiftButton": self._on_open_clicked, "paidInButton": lambda: self._on_cash_clicked("paid_in"),
                   "paidOutButton": lambda: self._on_cash_clicked("paid_out"),
                   "dropButton": lambda: self._on_cash_clicked("drop"), "xReportButton": self.show_x_report,
                   "closeShiftButton": self.start_count, "confirmCountButton": self._on_confirm_count_clicked,
                   "cancelCountButton": self.cancel_count, "shiftCsvButton": self._on_csv_clicked,
                   "shiftPdfButton": self._on_pdf_clicked, "shiftPrintButton": self._on_print_clicked,
                   "closeShiftDialogButton": self.close}
        for name, slot in actions.items():
            child(form, QPushButton, name).clicked.connect(slot)
        self.amount_edit.returnPressed.connect(self._on_amount_edit_return_pressed)
        self.reason_edit.returnPressed.connect(self._on_reason_edit_return_pressed)
        self.resize(560, 680)

    # -- state ---------------------------------------------------------------------------------

    def show_state(self) -> None:
        """The page for the till's state: the float, the shift's steps, or the count under way."""
        shift = self._shifts.current()
        money = self._money_text
        if self._count is None and shift is not None and shift.counting:
            self._count = self._shifts.count_under_way()  # begun before a restart, or at another door
        if self._count is not None:
            self.pages.setCurrentIndex(COUNT_PAGE)
            self.status.setText(_("Counting shift {number}: count the drawer and type what is in "
                                  "it. The expected amount is shown after the count.").format(
                                      number=self._count.shift_number))
            self.counted_edit.setFocus()
        elif shift is None:
            self.pages.setCurrentIndex(OPEN_PAGE)
            self.status.setText(_("No shift is open: count the float into the drawer and open a shift to sell."))
            self.float_edit.setFocus()
        else:
            self.pages.setCurrentIndex(SHIFT_PAGE)
            self.status.setText(_("Shift {number} open (float {amount}).").format(
                number=shift.number, amount=money(shift.float_amount)))
            self.amount_edit.setFocus()
        self._set_output_enabled(self.report is not None and self._count is None)
        # Enter submits the page's own step: one default button per dialog, so set it per page
        # (the shift page has none: Enter in its amount goes on to the reason).
        self.open_button.setDefault(self.pages.currentIndex() == OPEN_PAGE)
        self.confirm_count_button.setDefault(self.pages.currentIndex() == COUNT_PAGE)

    # -- steps ---------------------------------------------------------------------------------

    def open_shift(self, float_text: str) -> None:
        amount = self._parse(float_text, _("The float"))
        if amount is not None:
            self._run("open shift", lambda: self._shifts.open(amount),
                      lambda shift: self._done(_("Shift {number} opened.").format(number=shift.number), changed=True))

    def cash_step(self, kind: str, amount_text: str, reason: str) -> None:
        """kind: paid_in, paid_out or drop."""
        amount = self._parse(amount_text, _("The amount"))
        if amount is None:
            return
        step = {"paid_in": self._shifts.paid_in, "paid_out": self._shifts.paid_out, "drop": self._shifts.drop}[kind]
        label = _(CASH_STEP_NAMES[kind])
        self._run(kind, lambda: step(amount, reason), lambda record: self._cash_done(label, record.movement.amount))

    def show_x_report(self) -> None:
        self._run("x report", self._shifts.x_report, self._show_report)

    def start_count(self) -> None:
        """Begin the blind count: the report view empties, the drawer opens."""
        self.report, self.check = None, None
        self.view.clear()
        self._queue.submit("shift: start count", self._shifts.start_count, on_success=self._on_count_given,
                           on_failure=self._on_start_count_failed)

    def _on_start_count_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ApprovalRequired):  # a cashier closing: a manager's PIN starts the count
            self.approval = ask_approval(self, str(exc), self._queue, _("close the shift"),
                                         lambda pin: self._shifts.start_count(manager_pin=pin),
                                         self._on_count_given, self._on_step_failed)
            return
        self._on_step_failed(exc)

    def close_with_count(self, counted_text: str) -> None:
        counted, count = self._parse(counted_text, _("The count")), self._count
        if counted is None or count is None:
            return
        self._run("close shift", lambda: count.close(counted), self._on_closed)

    def cancel_count(self) -> None:
        if self._count is not None:
            self._count.cancel()
            self._count = None
        self.show_state()

    def _on_count_given(self, count: object) -> None:
        self._on_count_started(cast(BlindCount, count))  # what start_count returned

    def _on_count_started(self, count: BlindCount) -> None:
        self._count = count
        self.counted_edit.clear()
        self.show_state()

    def _on_closed(self, report: ShiftReport) -> None:
        self._count = None
        self._done(_("Shift {number} closed.").format(number=report.shift_number), changed=True)
        self._show_report(report)

    def _cash_done(self, label: str, amount: int) -> None:
        self.amount_edit.clear()
        self.reason_edit.clear()
        self._done(_("{step} of {amount} recorded; the drawer opened.").format(
            step=label, amount=self._money_text(amount)))

    def _done(self, text: str, *, changed: bool = False) -> None:
        show_kind(self.message, text, "ok")
        self.show_state()
        if changed:
            self.shift_changed.emit()
        self.step_done.emit(text)

    def _run(self, name: str, step, on_success) -> None:
        self._queue.submit(f"shift: {name}", step, on_success=on_success, on_failure=self._on_step_failed)

    def _on_step_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, UserFacingError) else _("That step failed (see the log).")
        self._fail(text)

    def _fail(self, text: str) -> None:
        show_kind(self.message, text, "error")
        self.step_failed.emit(text)

    def _parse(self, text: str, what: str) -> Money | None:
        try:
            return parse_money(text.strip().lstrip("$€£¥ "), self._settings.currency)
        except MoneyError as exc:
            self._fail(f"{what}: {exc}")
            return None

    # -- reports -------------------------------------------------------------------------------

    def _show_report(self, report: ShiftReport) -> None:
        self.report, self.check = report, None
        self._render()
        self.show_state()
        if self._gateway is not None:
            gateway, orders, locale = self._gateway, self._orders, self._settings.locale
            self._queue.submit("shift: card check", lambda: check_card_total(report, gateway, orders, locale),
                               on_success=lambda check: self._on_checked(report, check),
                               on_failure=self._on_step_failed)
        else:
            self.report_shown.emit(report)

    def _on_checked(self, report: ShiftReport, check: object) -> None:
        if report is self.report and isinstance(check, CardCheck):
            self.check = check
            self._render()
            self.report_shown.emit(report)

    def _render(self) -> None:
        if self.report is not None:
            self.view.setHtml(self.html())

    def html(self) -> str:
        assert self.report is not None
        training = (f"<p align='center'><b>{_('TRAINING')}</b> — {_('no real money')}</p>"
                    if self._settings.mode == TRAINING else "")
        return training + shift_report_html(self.report, self.check, self._settings.shop_name, self._settings.locale)

    def export_csv(self, path: Path | str) -> Path:
        if self.report is None:
            raise UserFacingError(_("There is no report to export yet."))
        path = Path(path)
        path.write_text(shift_report_csv(self.report, self.check), encoding="utf-8")
        return path

    def save_pdf(self, path: Path | str) -> Path:
        from pos_app.qt.printing import save_pdf
        return save_pdf(self.document(), path)

    def document(self):
        from pos_app.qt.printing import html_document
        assert self.report is not None
        return html_document(self.html(), _("{kind} report shift {number}").format(
            kind=self.report.kind, number=self.report.shift_number),
                             self._settings.mode)

    # -- slots ---------------------------------------------------------------------------------

    def _on_open_clicked(self) -> None:
        self.open_shift(self.float_edit.text())

    def _on_cash_clicked(self, kind: str) -> None:
        self.cash_step(kind, self.amount_edit.text(), self.reason_edit.text())

    def _on_confirm_count_clicked(self) -> None:
        self.close_with_count(self.counted_edit.text())

    def _suggested(self, extension: str) -> str:
        kind, number = (self.report.kind, self.report.shift_number) if self.report else ("X", 0)
        return str(Path.home() / f"{kind.lower()}-report-shift-{number}.{extension}")

    def _on_csv_clicked(self) -> None:
        save_as(self, _("Export the report as CSV"), self._suggested("csv"), _("CSV files (*.csv)"), self.export_csv,
                self._fail)

    def _on_pdf_clicked(self) -> None:
        save_as(self, _("Save the report as PDF"), self._suggested("pdf"), _("PDF files (*.pdf)"), self.save_pdf,
                self._fail)

    def _on_print_clicked(self) -> None:
        from pos_app.qt.printing import print_document
        if self.report is not None:
            write_or_say(lambda: print_document(self.document(), self), self._fail)

    def _on_amount_edit_return_pressed(self) -> None:
        self.reason_edit.setFocus()

    def _on_reason_edit_return_pressed(self) -> None:
        show_kind(self.message, _("Choose the step: Paid in (Alt+I), Paid out (Alt+U) or Drop to safe (Alt+D)."),
                  "info")

    def reject(self) -> None:
        """Esc: during the count, cancel the count (back to the shift's steps); else close."""
        if self._count is not None:
            self.cancel_count()
            show_kind(self.message, _("Count cancelled: the shift stays open."), "ok")
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.cancel_count()  # a count left half-way would hide the X from every other door
        super().closeEvent(event)

    # -- looks ---------------------------------------------------------------------------------

    def _money_text(self, amount: int) -> str:
        return format_money(Money(amount, self._settings.currency), self._settings.locale)

    def _set_output_enabled(self, enabled: bool) -> None:
        for button in self.output_buttons:
            button.setEnabled(enabled)
