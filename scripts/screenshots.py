"""Take the README's screenshots of the till, headless: till.png, main-<size>.png, payment.png, cash.png and more.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]

Runs the real window over a fresh training-mode data folder (the sandbox, no keys), rings up a
few items (also at the window's minimum size: till-minimum.png, and at each screen size it is made
for: main-800x600.png … main-1920x1080.png), shows the customer display (customer-display.png) and
the F1 keys (shortcuts-help.png), then opens the payment dialog and keys in a test card with real
key events, then takes cash with change (the cash dialog, and the display's thanks:
customer-display-change.png).

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py --locale de_DE

takes the same in that language as <name>-de.png, plus the receipt of the cash sale (receipt-de.png,
in the order history) and the day's Z report (z-report-de.png).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' card-typing helpers live in the repository

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pos_app.qt.app import prepare_environment  # noqa: E402

prepare_environment()

from PySide6 import QtWebEngineWidgets  # noqa: E402,F401
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from pos_app.config import Settings  # noqa: E402
from pos_app.core import AppCore  # noqa: E402
from pos_app.qt.app import build_main_window  # noqa: E402
from pos_app.qt.customer_display import CustomerDisplay  # noqa: E402
from pos_app.qt.till_layout import SCREEN_SIZES  # noqa: E402
from pos_app.testing.plugin import ensure_open_shift  # noqa: E402
from pos_app.testing.staff import log_in  # noqa: E402

CART = ["latte", "latte", "croissant", "5012345600017", "muffin-blue", "orange juice", "brownie"]


class Waiter:
    """The little of pytest-qt's qtbot that the card-typing helpers need."""

    TimeoutError = TimeoutError

    def waitUntil(self, condition, timeout: int = 5000) -> None:  # noqa: N802 (qtbot's name)
        deadline = time.monotonic() + timeout / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def pause(self, ms: int) -> None:
        """Let Chromium paint (there is no signal for 'the compositor has drawn')."""
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def ring_up(window, bot: Waiter) -> None:
    search = window.search
    for text in CART:
        search.clear()
        QTest.keyClicks(search, text)
        QTest.keyClick(search, Qt.Key.Key_Return)
    search.clear()
    QTest.keyClicks(search, "te")  # leave a search in progress, as at a real till
    window.focus_cart()
    bot.waitUntil(lambda: window.cart_model.rowCount() == 6)


def receipt_and_report(window, bot: Waiter, out: Path, png) -> None:
    """The receipt of the sale just paid (the order history) and today's Z report."""
    history = window.open_history()
    bot.waitUntil(lambda: history.model.rowCount() > 0, 10000)
    history.table.selectRow(0)
    history.resize(1000, 700)
    bot.pause(300)
    history.grab().save(str(out / png("receipt")))
    report = window.open_report()
    bot.waitUntil(lambda: report.report is not None, 20000)
    report.resize(640, 760)
    bot.pause(300)
    report.grab().save(str(out / png("z-report")))
    report.close()
    history.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--locale", help="the till in this POS_LOCALE (e.g. de_DE): <name>-de.png, plus the "
                        "receipt and the Z report")
    args = parser.parse_args()
    png = (lambda name: f"{name}-{args.locale.split('_')[0]}.png") if args.locale else (lambda name: f"{name}.png")
    args.out.mkdir(parents=True, exist_ok=True)

    from pos_app.testing.webdriving import scroll_into_view, type_card

    def enter_card(bot, dialog, number: str) -> None:
        scroll_into_view(bot, dialog.page, "#card-element")
        type_card(bot, dialog.view, number, postal=None)  # the checkout page hides the postal code

    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept referenced while the window lives
    if args.locale:
        from pos_app.qt.translator import use_language
        _translators = use_language(_app, args.locale)  # kept referenced: a collected translator translates nothing
    bot = Waiter()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings.load(environ={}, env_file=None).with_(data_dir=Path(data_dir),
                                                                  shop_name="Corner Café")
        settings = settings.with_(locale=args.locale) if args.locale else settings
        core = AppCore(settings).start()
        ensure_open_shift(core.open().store, settings)  # a till sells only within an open shift
        log_in(core.open(), "cashier")  # the demo cashier at the till (the window opens on the sale)
        window = build_main_window(core, reconcile=True)
        try:
            window.resize(1180, 720)
            window.show()
            bot.waitUntil(lambda: "OK" in window.status_gateway.text(), 10000)
            ring_up(window, bot)
            bot.pause(300)
            window.grab().save(str(args.out / png("till")))
            window.resize(window.minimumSizeHint())  # the tender controls must stay readable at the smallest size
            bot.pause(300)
            window.grab().save(str(args.out / png("till-minimum")))
            for width, height in SCREEN_SIZES:  # item names readable, every action button on screen
                window.resize(width, height)
                bot.pause(300)
                window.grab().save(str(args.out / png(f"main-{width}x{height}")))
            window.resize(1180, 720)
            help_dialog = window.action_bar.show_help()
            bot.pause(200)
            help_dialog.grab().save(str(args.out / png("shortcuts-help")))
            help_dialog.close()
            display = CustomerDisplay(window)  # as on a second screen (offscreen Qt has one)
            display.resize(1024, 600)
            display.show()
            bot.pause(300)
            display.grab().save(str(args.out / png("customer-display")))
            window.activateWindow()

            opened = []
            window.payment_dialog_opened.connect(opened.append)
            window.charge()
            bot.waitUntil(lambda: opened and opened[0].page_state == "ready", 20000)
            dialog = opened[0]
            dialog.resize(620, 940)  # the whole page at once (the offscreen screen is small)
            enter_card(bot, dialog, "4242424242424242")
            bot.pause(1000)
            dialog.grab().save(str(args.out / png("payment")))
            dialog.reject()

            bot.waitUntil(lambda: window.payment_dialog is None and window.tenders.cash_button.isEnabled(), 10000)
            cash = window.tenders.open_cash()
            QTest.keyClicks(cash.tendered, "50")
            QTest.keyClick(cash.tendered, Qt.Key.Key_Return)
            bot.waitUntil(lambda: cash.taken is not None, 10000)
            cash.grab().save(str(args.out / png("cash")))
            cash.accept()
            bot.pause(300)
            display.grab().save(str(args.out / png("customer-display-change")))
            if args.locale:
                receipt_and_report(window, bot, args.out, png)
        finally:
            window.shutdown()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            core.stop()
    print(f"wrote till.png, till-minimum.png, main-*.png, shortcuts-help.png, payment.png, cash.png and "
          f"customer-display*.png in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
