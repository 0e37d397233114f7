"""Receipts on paper and in PDF: content, the PDF file itself (read back with QtPdf), the printing
path through a real QPrinter (PDF output), pagination on sheets and the TRAINING watermark."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from pos_app.config import LIVE, TRAINING
from pos_app.domain import Order, OrderLine
from pos_app.qt.printing import (ROLL_WIDTH_MM, PrintError, make_printer, print_to, receipt_document,
                                 save_pdf)
from pos_app.qt.receipt import receipt_html
from tests.integration.payments.helpers import MASTERCARD
from tests.integration.reports.sales import add_taxed_items, sell

pytestmark = pytest.mark.gui


@pytest.fixture
def shop(settings):
    return settings.with_(shop_name="Corner Café", shop_address="12 High Street\nSpringfield")


def made_order(lines: int = 2, number: str = "000042") -> Order:
    order_lines = tuple(OrderLine(f"sku{n}", f"Product {n}", 1 + n % 3, 450 + n, (1 + n % 3) * (450 + n), 2000)
                        for n in range(lines))
    subtotal = sum(line.line_total for line in order_lines)
    tax = (subtotal * 2000 + 5000) // 10000
    return Order(number=number, created_at=int(datetime(2026, 11, 26, 14, 5).timestamp()), currency="usd",
                 lines=order_lines, subtotal=subtotal, tax=tax, total=subtotal + tax,
                 payment_intent="pi_3TestReceipt0001", cart_uuid="c", card_brand="visa", card_last4="4242",
                 id=42, tax_by_rate=((2000, tax),))


def pdf_text(path) -> tuple[int, str]:
    """(page count, all text with whitespace removed): PDFium splits Qt's glyph runs unpredictably."""
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    try:
        text = "".join(document.getAllText(page).text() for page in range(document.pageCount()))
        return document.pageCount(), re.sub(r"\s+", "", text)
    finally:
        document.close()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_real_sale_receipt_has_everything_and_its_pdf_says_so(qtbot, core, shop, tmp_path):
    add_taxed_items(core.local.store)
    order = sell(core, {"wine": 1, "bread": 2, "espresso": 1}, card=MASTERCARD)
    html = receipt_html(order, shop, TRAINING)
    for part in ("Corner Café", "12 High Street", "Springfield", "House Wine", "Sourdough Loaf", "Espresso",
                 "Tax 20%", "Tax 5%", "$12.00", "$2.50", order.payment_intent, f"Receipt {order.number}",
                 "Mastercard •••• 4444", datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M"),
                 "TRAINING"):
        assert part in html, part
    assert order.total == 1200 + 900 + 250 + 240 + 45  # prices + 20 % of 12.00 + 5 % of 9.00

    path = save_pdf(receipt_document(order, shop, TRAINING), tmp_path / "receipt.pdf")

    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages, text = pdf_text(path)
    assert pages == 1  # one strip of roll paper
    for part in (order.number, "Amountcharged$26.35", "HouseWine", "Mastercard••••4444", order.payment_intent,
                 "CornerCafé", "Tax20%$2.40", "Tax5%$0.45", "TRAINING"):
        assert part in text, part


def test_the_pdf_page_is_an_80_mm_roll_as_long_as_the_receipt(qtbot, shop, tmp_path):
    short = save_pdf(receipt_document(made_order(1), shop, LIVE), tmp_path / "short.pdf")
    long = save_pdf(receipt_document(made_order(40), shop, LIVE), tmp_path / "long.pdf")
    sizes = []
    for path in (short, long):
        document = QPdfDocument()
        document.load(str(path))
        assert document.pageCount() == 1
        sizes.append(document.pagePointSize(0))
        document.close()
    assert all(abs(size.width() / 72 * 25.4 - ROLL_WIDTH_MM) < 0.5 for size in sizes)
    assert sizes[1].height() > sizes[0].height() * 3  # 40 lines make a longer strip, not more pages
    assert "Product39" in pdf_text(long)[1]


def test_printing_through_a_real_qprinter_with_pdf_output(qtbot, shop, tmp_path):
    order = made_order(3)
    document = receipt_document(order, shop, TRAINING, copy=True)
    printer = make_printer(document)  # what print_document hands to QPrintDialog
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    assert print_to(document, printer) == 1

    pages, text = pdf_text(tmp_path / "printed.pdf")
    assert pages == 1
    assert f"Receipt{order.number}" in text and squeeze(f"Amount charged ${order.total / 100:.2f}") in text
    assert "COPY" in text and "reprinted" in text


def test_sheets_chosen_in_the_print_dialog_paginate_the_same_content(qtbot, shop, tmp_path):
    document = receipt_document(made_order(120), shop, LIVE)
    printer = make_printer(document)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A6), QPageLayout.Orientation.Portrait,
                                      printer.pageLayout().margins(), QPageLayout.Unit.Millimeter))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "a6.pdf"))

    pages = print_to(document, printer)

    count, text = pdf_text(tmp_path / "a6.pdf")
    assert count == pages > 1
    for n in (0, 60, 119):  # every line is on some page, none lost at a page break
        assert f"Product{n}" in text
    assert "pi_3TestReceipt0001" in text


def test_training_watermark_only_in_training_mode(qtbot, shop, tmp_path):
    order = made_order()
    training = pdf_text(save_pdf(receipt_document(order, shop, TRAINING), tmp_path / "t.pdf"))[1]
    live = pdf_text(save_pdf(receipt_document(order, shop, LIVE), tmp_path / "l.pdf"))[1]
    assert training.count("TRAINING") >= 2  # the receipt's banner and the diagonal watermark
    assert "TRAINING" not in live and "norealmoney" not in live
    assert "TRAINING" not in receipt_html(order, shop, LIVE)
    assert order.number in live


def test_refunds_are_listed_on_a_reprint(qtbot, core, shop, tmp_path):
    order = sell(core, {"item1": 2, "item2": 1})  # 2 x 5.00 + 10.00
    core.payments.checkout.refund(order.id, lines=[("item1", 1)], reason="requested_by_customer")
    order = core.local.store.orders.get(order.id)
    refunds = core.local.store.orders.refunds_for(order.id)

    path = save_pdf(receipt_document(order, shop, TRAINING, refunds=refunds, copy=True), tmp_path / "r.pdf")

    text = pdf_text(path)[1]
    assert "Refunds" in text and "1×Item1" in text and "requestedbycustomer" in text
    assert "Refunded−$5.00" in text and "Leftafterrefunds$15.00" in text


def test_an_unwritable_pdf_path_is_a_clear_error(qtbot, shop, tmp_path):
    with pytest.raises(PrintError, match="Can't save the PDF"):
        save_pdf(receipt_document(made_order(), shop, LIVE), tmp_path / "no-such-dir" / "r.pdf")


def test_custom_roll_size_survives_the_printer(qtbot, shop):
    document = receipt_document(made_order(), shop, LIVE)
    size = make_printer(document).pageLayout().pageSize().size(QPageSize.Unit.Millimeter)
    assert abs(size.width() - ROLL_WIDTH_MM) < 0.5 and size.height() > 60
    assert isinstance(size, QSizeF)


def test_print_receipt_goes_through_the_print_dialogs_printer(qtbot, shop, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from pos_app.qt import printing

    class AcceptingPrintDialog:  # the cashier picks "Print to file (PDF)" and presses Print
        def __init__(self, printer, parent=None) -> None:
            self.printer = printer
            assert abs(printer.pageLayout().pageSize().size(QPageSize.Unit.Millimeter).width() - 80) < 0.5

        def setWindowTitle(self, title: str) -> None:  # noqa: N802 (Qt's name)
            assert title == "Print Receipt 000042"

        def exec(self) -> int:
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(tmp_path / "after-sale.pdf"))
            return QDialog.DialogCode.Accepted

    class CancelledPrintDialog(AcceptingPrintDialog):
        def exec(self) -> int:
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(printing, "QPrintDialog", CancelledPrintDialog)
    assert printing.print_receipt(made_order(), shop, TRAINING) is False
    assert not (tmp_path / "after-sale.pdf").exists()

    monkeypatch.setattr(printing, "QPrintDialog", AcceptingPrintDialog)
    assert printing.print_receipt(made_order(), shop, TRAINING) is True
    text = pdf_text(tmp_path / "after-sale.pdf")[1]
    assert "Receipt000042" in text and "COPY" not in text


def test_save_receipt_pdf_asks_where(qtbot, shop, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from pos_app.qt import printing

    answers = iter([("", ""), (str(tmp_path / "chosen.pdf"), "PDF files (*.pdf)")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: next(answers)))
    assert printing.save_receipt_pdf(made_order(), shop, LIVE) is None  # cancelled
    assert printing.save_receipt_pdf(made_order(), shop, LIVE) == tmp_path / "chosen.pdf"
    assert "Receipt000042" in pdf_text(tmp_path / "chosen.pdf")[1]
