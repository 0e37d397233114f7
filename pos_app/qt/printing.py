"""Receipts and reports on paper and in PDF: one QTextDocument, painted page by page.

Paper: an 80 mm receipt roll (72 mm printed between 4 mm margins), what a till's printer takes.
The page is as long as the content, so a receipt or a Z report comes out as one strip; if the
cashier picks sheets (A4, Letter) in the print dialog, the same content is paginated on them.
Saved PDFs use the same roll page, so a PDF looks like the printed slip.

The document is laid out at screen resolution (96 dpi) and scaled onto the device, so paper and
PDF break lines exactly where the on-screen receipt does. In training mode every page carries a
faint diagonal TRAINING watermark (on top of the receipt's own "TRAINING" banner).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPagedPaintDevice, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from pos_app.config import TRAINING, Settings
from pos_app.domain import Money, Order, format_money
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.qt.receipt import receipt_html
from pos_app.store import RefundRecord, Tender

log = logging.getLogger(__name__)

ROLL_WIDTH_MM = 80.0
ROLL_MARGIN_MM = 4.0
#: extra paper below the content: layouts at device resolution may round a little taller
ROLL_SLACK_MM = 6.0
ROLL_MIN_LENGTH_MM = 80.0
PDF_RESOLUTION = 600
#: dynamic property of a QTextDocument: text painted diagonally across every page, if set
WATERMARK_PROPERTY = "pos_app_watermark"
_LAYOUT_DPI = 96.0  # what QTextDocument lays out at when it has no paint device
_MM_PER_INCH = 25.4


class PrintError(UserFacingError):
    pass


# -- documents ------------------------------------------------------------------------------------


#: How each refund status reads under a receipt ('' for a plain, settled refund).
REFUND_STATUS_TEXT = {"succeeded": "", "pending": N_("not confirmed yet"), "processing": N_("on its way to the card")}
#: Stripe's refund reasons, as a receipt shows them.
REFUND_REASON_TEXT = {"requested_by_customer": N_("requested by customer"), "duplicate": N_("duplicate"),
                      "fraudulent": N_("fraudulent")}


def refunds_html(order: Order, refunds: Sequence[RefundRecord], locale: str = "en_US") -> str:
    """The refunds of an order under its receipt: amount, reason, status, lines; '' if none."""
    shown = [r for r in refunds if r.status in ("succeeded", "pending", "processing", "failed")]
    if not shown:
        return ""

    def money(amount: int) -> str:
        return escape(format_money(Money(amount, order.currency), locale))

    names = {line.sku: line.name for line in order.lines}
    rows = []
    for record in shown:
        when = datetime.fromtimestamp(record.created_at).strftime("%Y-%m-%d %H:%M")
        what = ", ".join(f"{row['qty']} × {names.get(row['sku'], row['sku'])}" for row in record.lines) \
            or _("amount")
        reason = _(REFUND_REASON_TEXT[record.reason]) if record.reason in REFUND_REASON_TEXT \
            else (record.reason or "").replace("_", " ")
        status = REFUND_STATUS_TEXT.get(record.status, record.status)
        status = _(status) if status else ""
        if record.status == "failed":
            why = f": {record.failure_reason.replace('_', ' ')}" if record.failure_reason else ""
            status = (f"<span style='color:#b91c1c'><b>{escape(_('FAILED'))}{escape(why)}</b> — "
                      f"{escape(_('nothing went back; refund again'))}</span>")
        else:
            status = escape(status)
        amount = money(record.amount) if record.status == "failed" else f"−{money(record.amount)}"
        rows.append(f"<tr><td>{escape(when)}<br><small>{escape(what)} · {escape(reason)}"
                    f"{' · ' + status if status else ''}</small></td>"
                    f"<td align='right' valign='top'>{amount}</td></tr>")
    left = order.total - order.refunded
    return (f"<p style='margin-bottom:2px'><b>{escape(_('Refunds'))}</b></p>"
            f"<table width='100%' cellspacing='0' cellpadding='3'>{''.join(rows)}"
            f"<tr><td><b>{escape(_('Refunded'))}</b></td><td align='right'><b>−{money(order.refunded)}</b></td></tr>"
            f"<tr><td>{escape(_('Left after refunds'))}</td><td align='right'>{money(left)}</td></tr></table>")


def receipt_document(order: Order, settings: Settings, mode: str, *, refunds: Sequence[RefundRecord] = (),
                     copy: bool = False, tenders: Sequence[Tender] = ()) -> QTextDocument:
    """The receipt as a document to print or save; `copy` marks a reprint, `refunds` and the
    `tenders` of a sale paid by them are listed."""
    banner = ""
    if copy:
        banner = (f"<p align='center'><b>{escape(_('COPY'))}</b> · "
                  f"{escape(_('reprinted {when}').format(when=datetime.now().strftime('%Y-%m-%d %H:%M')))}</p>")
    html = banner + receipt_html(order, settings, mode, tenders) + refunds_html(order, refunds, settings.locale)
    return _document(html, _("Receipt {number}").format(number=order.number), mode)


def report_document(report, settings: Settings, mode: str) -> QTextDocument:
    """The end-of-day report (reports.DayReport) as a document to print or save."""
    from pos_app.reports import report_html
    training = (f"<p align='center'><b>{escape(_('TRAINING'))}</b> — {escape(_('no real money'))}</p>"
                if mode == TRAINING else "")
    return _document(training + report_html(report, settings.shop_name, settings.locale),
                     _("Z report {day}").format(day=report.day.isoformat()), mode)


def html_document(html: str, title: str, mode: str) -> QTextDocument:
    """Any report's HTML as a document to print or save (the TRAINING watermark in training mode)."""
    return _document(html, title, mode)


def _document(html: str, title: str, mode: str) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(html)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    if mode == TRAINING:
        document.setProperty(WATERMARK_PROPERTY, "TRAINING")
    return document


# -- paper ----------------------------------------------------------------------------------------


def _mm_to_layout(mm: float) -> float:
    return mm / _MM_PER_INCH * _LAYOUT_DPI


def roll_page_layout(document: QTextDocument) -> QPageLayout:
    """An 80 mm roll page as long as the document (so it prints as one strip)."""
    measured = document.clone()
    measured.setTextWidth(_mm_to_layout(ROLL_WIDTH_MM - 2 * ROLL_MARGIN_MM))
    content_mm = measured.size().height() / _LAYOUT_DPI * _MM_PER_INCH
    length = max(ROLL_MIN_LENGTH_MM, content_mm + 2 * ROLL_MARGIN_MM + ROLL_SLACK_MM)
    size = QPageSize(QSizeF(ROLL_WIDTH_MM, round(length, 1)), QPageSize.Unit.Millimeter, "80 mm roll",
                     QPageSize.SizeMatchPolicy.ExactMatch)
    margins = QMarginsF(ROLL_MARGIN_MM, ROLL_MARGIN_MM, ROLL_MARGIN_MM, ROLL_MARGIN_MM)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)


def render(document: QTextDocument, device: QPagedPaintDevice) -> int:
    """Paint the document on a printer or PDF writer, paginated on its page layout; returns pages."""
    paint_rect = device.pageLayout().paintRect(QPageLayout.Unit.Point)
    page = QSizeF(paint_rect.width() / 72 * _LAYOUT_DPI, paint_rect.height() / 72 * _LAYOUT_DPI)
    laid_out = document.clone()
    laid_out.setPageSize(page)
    scale = device.logicalDpiX() / _LAYOUT_DPI, device.logicalDpiY() / _LAYOUT_DPI
    watermark = document.property(WATERMARK_PROPERTY)
    painter = QPainter()
    if not painter.begin(device):
        raise PrintError(_("The printer could not start printing."))
    try:
        for number in range(laid_out.pageCount()):
            if number and not device.newPage():
                raise PrintError(_("The printer refused a new page."))
            painter.save()
            painter.scale(*scale)
            if watermark:
                _draw_watermark(painter, page, str(watermark))
            top = number * page.height()
            painter.translate(0, -top)
            laid_out.drawContents(painter, QRectF(0, top, page.width(), page.height()))
            painter.restore()
        return laid_out.pageCount()
    finally:
        painter.end()


def _draw_watermark(painter: QPainter, page: QSizeF, text: str) -> None:
    """Faint diagonal text, repeated down a long roll, painted under the content."""
    painter.save()
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(12, int(page.width() / (len(text) * 0.75))))
    painter.setFont(font)
    painter.setPen(QColor(180, 83, 9, 55))
    step = page.width() * 1.4
    count = max(1, int(page.height() // step))
    for n in range(count):
        painter.save()
        painter.translate(QPointF(page.width() / 2, page.height() * (n + 0.5) / count))
        painter.rotate(-30)
        painter.drawText(QRectF(-page.width(), -page.width() / 4, 2 * page.width(), page.width() / 2),
                         Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
    painter.restore()


# -- PDF and printer ------------------------------------------------------------------------------


def save_pdf(document: QTextDocument, path: Path | str) -> Path:
    """Write the document as a PDF on an 80 mm roll page; PrintError if the file can't be written."""
    from PySide6.QtGui import QPdfWriter

    path = Path(path)
    try:  # QPainter would only log a warning; say why in words instead
        with open(path, "wb"):
            pass
    except OSError as exc:
        raise PrintError(_("Can't save the PDF to {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setCreator("pos-app")
    writer.setTitle(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setPageLayout(roll_page_layout(document))
    render(document, writer)
    del writer  # the file is complete once the painter has ended
    log.info("saved %s", path)
    return path


def make_printer(document: QTextDocument) -> QPrinter:
    """A printer set up for the document: high resolution, an 80 mm roll page as long as it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    printer.setCreator("pos-app")
    printer.setPageLayout(roll_page_layout(document))
    return printer


def print_to(document: QTextDocument, printer: QPrinter) -> int:
    """Print on a printer already chosen (the dialog's, or a PDF-format printer in tests)."""
    pages = render(document, printer)
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintError(_("The printer reported an error; check it and print again."))
    return pages


def print_document(document: QTextDocument, parent: QWidget | None = None) -> bool:
    """Ask where to print (Qt's print dialog), then print; False if the cashier cancelled."""
    printer = make_printer(document)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print {title}").format(
        title=document.metaInformation(QTextDocument.MetaInformation.DocumentTitle)))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_to(document, printer)
    return True


# -- the receipt of a sale just made --------------------------------------------------------------


def print_receipt(order: Order, settings: Settings, mode: str, parent: QWidget | None = None,
                  tenders: Sequence[Tender] = ()) -> bool:
    """Print a receipt through the print dialog (for a Print button on the receipt after a sale)."""
    return print_document(receipt_document(order, settings, mode, tenders=tenders), parent)


def save_receipt_pdf(order: Order, settings: Settings, mode: str, parent: QWidget | None = None,
                     tenders: Sequence[Tender] = ()) -> Path | None:
    """Ask where, then save a receipt as PDF; None if the cashier cancelled."""
    from PySide6.QtWidgets import QFileDialog

    path, _filter = QFileDialog.getSaveFileName(parent, _("Save receipt as PDF"),
                                                str(Path.home() / f"receipt-{order.number}.pdf"),
                                                _("PDF files (*.pdf)"))
    return save_pdf(receipt_document(order, settings, mode, tenders=tenders), path) if path else None
