"""The Z report window over a real training core: counted and reconciled on a worker, differences
in red, CSV export, PDF and printing through a real QPrinter."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from pos_app.qt.printing import make_printer, print_to
from pos_app.qt.report_dialog import ReportDialog
from pos_app.qt.workers import TaskRunner
from tests.gui.test_receipt_printing import pdf_text
from tests.integration.payments.helpers import MASTERCARD
from tests.integration.reports.sales import add_taxed_items, pay_without_order, sell

pytestmark = pytest.mark.gui

TIMEOUT = 10_000


class ThreadNotingGateway:
    """The real gateway, noting which thread asked it for the day's intents."""

    def __init__(self, gateway) -> None:
        self._gateway = gateway
        self.threads: list[threading.Thread] = []

    def list_intents(self, **kwargs):
        self.threads.append(threading.current_thread())
        return self._gateway.list_intents(**kwargs)

    def retrieve_intent(self, pi_id):
        return self._gateway.retrieve_intent(pi_id)


def open_dialog(qtbot, core, settings, day: date | None = None, gateway=None) -> ReportDialog:
    """The report over the core's order book and its gateway (or `gateway`)."""
    runner = TaskRunner(name="report")
    dialog = ReportDialog(core.local.store.orders, gateway or core.payments.gateway, settings, runner, day=day)
    dialog.destroyed.connect(lambda: runner.stop())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wait_report(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.day == dialog.day, timeout=TIMEOUT)
    return dialog.report


def test_todays_report_is_checked_on_a_worker_and_exported(qtbot, core, settings, tmp_path):
    add_taxed_items(core.local.store)
    first = sell(core, {"wine": 1, "bread": 2})
    second = sell(core, {"latte": 2}, card=MASTERCARD)
    core.payments.checkout.refund(second.id, lines=[("latte", 1)])
    gateway = ThreadNotingGateway(core.payments.gateway)

    dialog = open_dialog(qtbot, core, settings, gateway=gateway)
    assert dialog.objectName() == "reportDialog" and dialog.day == date.today()
    assert not dialog.export_button.isEnabled()  # nothing to export while counting
    report = wait_report(qtbot, dialog)

    assert gateway.threads and all(t is not threading.main_thread() for t in gateway.threads)
    assert (report.sales_count, report.sales_total) == (2, first.total + second.total)
    assert (report.refunds_count, report.refunds_total) == (1, 400)
    text = dialog.view.toPlainText()
    assert "End of day (Z) report" in text and "all payments match" in text
    assert "20.00 %" in text and "5.00 %" in text and "Mastercard" in text and "Visa" in text
    assert dialog.status.property("kind") == "ok" and dialog.export_button.isEnabled()

    rows = list(csv.DictReader(io.StringIO(dialog.export_csv(tmp_path / "z.csv").read_text(encoding="utf-8"))))
    summary = {r["key"]: r for r in rows if r["section"] == "summary"}
    assert int(summary["sales"]["amount_minor"]) == first.total + second.total
    assert int(summary["net"]["amount_minor"]) == first.total + second.total - 400
    assert {r["key"] for r in rows if r["section"] == "order"} == {first.number, second.number}

    pages, pdf = pdf_text(dialog.save_pdf(tmp_path / "z.pdf"))
    assert pages == 1 and "Endofday(Z)report" in pdf and "allpaymentsmatch" in pdf

    document = dialog.document()
    printer = make_printer(document)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_to(document, printer) == 1
    assert "Net" in pdf_text(tmp_path / "printed.pdf")[1]


def test_a_sale_the_gateway_saw_without_an_order_is_highlighted(qtbot, core, settings):
    sell(core, {"item1": 1})
    lost = pay_without_order(core, {"item2": 1})

    dialog = open_dialog(qtbot, core, settings)
    report = wait_report(qtbot, dialog)

    assert len(report.differences) == 1 and lost in report.differences[0]
    assert dialog.status.property("kind") == "error" and "1 difference" in dialog.status.text()
    assert lost in dialog.view.toPlainText()
    assert "#b91c1c" in dialog.view.toHtml().lower()  # the difference is in red


def test_changing_the_day_shows_that_days_report_only(qtbot, core, settings):
    sell(core, {"item1": 1})
    dialog = open_dialog(qtbot, core, settings)
    assert wait_report(qtbot, dialog).sales_count == 1

    yesterday = date.today() - timedelta(days=1)
    for day in (yesterday, yesterday - timedelta(days=1), yesterday):  # answers for the others are dropped
        dialog.date_edit.setDate(QDate(day.year, day.month, day.day))
    report = wait_report(qtbot, dialog)

    assert report.day == yesterday and report.sales_count == 0
    qtbot.waitUntil(lambda: not dialog._queue.busy, timeout=TIMEOUT)
    assert dialog.report.day == yesterday  # a late answer for another day did not replace it
    assert "(no sales)" in dialog.view.toPlainText()


def test_an_unreachable_card_processor_is_said_not_hidden(qtbot, core, settings):
    from pos_app.payments.stripe_gateway import StripeGateway

    sell(core, {"item1": 1})
    gone = StripeGateway(core.sandbox_secret_key, core.payments.publishable_key, api_base="http://127.0.0.1:9",
                         max_network_retries=0, timeout=2)
    dialog = open_dialog(qtbot, core, settings, gateway=gone)
    report = wait_report(qtbot, dialog)

    assert report.gateway_error and report.sales_count == 1
    assert dialog.status.property("kind") == "warning" and "NOT checked" in dialog.status.text()
