"""Take the touch and accessibility screenshots, headless: the tiles, the pads, the high-contrast theme.

    QT_QPA_PLATFORM=offscreen python scripts/touch_screenshots.py [--out docs/screenshots]

Writes till-tiles.png (a category's tiles and the quantity pad, 1024x768), pin-numpad.png (the PIN
screen by touch), approval-numpad.png and till-high-contrast.png (POS_THEME=high-contrast), each
over a fresh training-mode data folder, with the window as build_main_window makes it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import ROOT, Waiter, ring_up

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.qt.app import build_main_window
from pos_app.qt.approval_dialog import ApprovalDialog
from pos_app.qt.theme import STANDARD, apply_theme
from pos_app.qt.touch_controls import touch_controls
from pos_app.testing.plugin import ensure_open_shift
from pos_app.testing.staff import log_in


def till(data_dir: str, theme: str):
    settings = Settings.load(environ={}, env_file=None).with_(data_dir=Path(data_dir), shop_name="Corner Café",
                                                              theme=theme)
    core = AppCore(settings)
    ensure_open_shift(core.open().store, settings)
    log_in(core.open(), "cashier")
    return core, build_main_window(core, reconcile=False)


def close(core, window) -> None:
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    core.stop()


def shoot_tiles(out: Path, bot: Waiter) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        core, window = till(data_dir, STANDARD)
        try:
            window.resize(1024, 768)
            window.show()
            ring_up(window, bot)
            touch = touch_controls(window)
            bot.waitUntil(lambda: touch.tiles.built)  # just after the panel's first paint
            touch.tiles.tile("Bakery").click()
            touch.quantity_button.click()
            touch.quantity().numpad.key("2").click()
            bot.pause(200)
            window.grab().save(str(out / "till-tiles.png"))
            window.till_lock.lock()
            window.till_lock.numpad.key("1").click()
            window.till_lock.numpad.key("2").click()
            bot.pause(200)
            window.grab().save(str(out / "pin-numpad.png"))
            approval = ApprovalDialog("Clearing the cart needs a manager's approval.", window)
            approval.show()
            bot.pause(200)
            approval.grab().save(str(out / "approval-numpad.png"))
            approval.close()
        finally:
            close(core, window)


def shoot_high_contrast(out: Path, bot: Waiter) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        core, window = till(data_dir, "high-contrast")
        try:
            window.resize(1180, 720)
            window.show()
            ring_up(window, bot)
            bot.pause(200)
            window.grab().save(str(out / "till-high-contrast.png"))
        finally:
            close(core, window)
            apply_theme(STANDARD)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept referenced while the windows live
    bot = Waiter()
    shoot_tiles(args.out, bot)
    shoot_high_contrast(args.out, bot)
    print(f"wrote till-tiles.png, pin-numpad.png, approval-numpad.png and till-high-contrast.png in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
