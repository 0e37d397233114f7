"""Take the screenshots of what comes after a sale, headless: docs/screenshots/receipt.png (the
printed receipt, rendered from the PDF the till saves) and docs/screenshots/history.png.

    QT_QPA_PLATFORM=offscreen python scripts/after_sale_screenshots.py [--out docs/screenshots]

Runs a fresh training-mode till (the sandbox, no keys) in a temporary folder, makes a few real
sales through the sandbox (the card confirmed as Stripe.js would), refunds part of one, then
shows the order history on that order.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' sale helpers live in the repository

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.qt.app import prepare_environment  # noqa: E402

prepare_environment()

from PySide6 import QtWebEngineWidgets  # noqa: E402,F401
from PySide6.QtCore import QSize, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from pos_app.config import Settings  # noqa: E402
from pos_app.core import AppCore  # noqa: E402
from pos_app.domain import Item, Money  # noqa: E402
from pos_app.qt.history_window import HistoryWindow  # noqa: E402
from pos_app.qt.printing import receipt_document, save_pdf  # noqa: E402
from tests.integration.payments.helpers import MASTERCARD, VISA  # noqa: E402
from tests.integration.reports.sales import sell  # noqa: E402

SHOP = {"shop_name": "Corner Café", "shop_address": "12 High Street\nSpringfield"}
TAXED = [Item("wine-red", "House Red Wine", Money(1450, "usd"), "Drinks", tax_rate_bp=2000),
         Item("sourdough", "Sourdough Loaf", Money(480, "usd"), "Bakery", tax_rate_bp=500),
         Item("olive-oil", "Olive Oil 500 ml", Money(890, "usd"), "Deli", tax_rate_bp=500)]
SALES = [({"latte": 2, "croissant": 2}, VISA), ({"espresso": 1}, MASTERCARD),
         ({"wine-red": 1, "sourdough": 1, "olive-oil": 1}, VISA), ({"cappuccino": 1, "muffin-blue": 1}, MASTERCARD),
         ({"flat-white": 2, "sourdough": 1}, VISA), ({"tea-chai": 1, "croissant": 1}, VISA),
         ({"mocha": 2}, MASTERCARD), ({"olive-oil": 2, "americano": 1}, VISA), ({"tea-green": 3}, VISA),
         ({"wine-red": 2, "pain-choc": 3, "latte": 1}, MASTERCARD)]


def pdf_page_image(path: Path, width: int) -> QImage:
    """The first page of a PDF as an image on white paper, with a thin grey edge."""
    document = QPdfDocument()
    document.load(str(path))
    size = document.pagePointSize(0)
    height = round(width * size.height() / size.width())
    page = document.render(0, QSize(width, height))
    document.close()
    sheet = QImage(width + 2, height + 2, QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.lightGray)
    painter = QPainter(sheet)
    painter.fillRect(1, 1, width, height, Qt.GlobalColor.white)
    painter.drawImage(1, 1, page)
    painter.end()
    return sheet


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.load(environ={}, env_file=None).with_(data_dir=Path(folder), **SHOP)
        core = AppCore(settings).start()
        try:
            core.local.store.catalogue.upsert(TAXED)
            orders = [sell(core, lines, card) for lines, card in SALES]
            shown = orders[2]
            core.payments.checkout.refund(shown.id, lines=[("olive-oil", 1)], reason="requested_by_customer")

            receipt = receipt_document(orders[-1], settings, core.mode)  # as printed after the sale
            pdf = save_pdf(receipt, Path(folder) / "receipt.pdf")
            pdf_page_image(pdf, 520).save(str(args.out / "receipt.png"))

            window = HistoryWindow(core.local, core.payments)
            window.resize(1240, 700)
            window.show()
            window.select_order(shown.id)
            window.table.setFocus()
            app.processEvents()
            window.grab().save(str(args.out / "history.png"))
            window.close()
        finally:
            core.stop()
    print(f"wrote {args.out / 'receipt.png'} and {args.out / 'history.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
