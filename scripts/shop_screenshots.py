"""Screenshots of a till on a shop's PostgreSQL database: selling, then with the database down (issue 19).

    QT_QPA_PLATFORM=offscreen python scripts/shop_screenshots.py [--out docs/screenshots]

A throwaway PostgreSQL server (pos_app.testing.postgres), a training till (till-2) on it, the demo
cashier ringing up a sale; then the server stopped at once, and the window as the cashier sees it
("Shop database: unreachable" in the status bar, the refusal in the message bar); then started again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import screenshots as shots  # noqa: E402  (prepares the Qt environment, and its helpers)
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from pos_app.testing.postgres import PostgresServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # kept referenced while the window lives
    bot = shots.Waiter()
    with PostgresServer(durable=True) as server, tempfile.TemporaryDirectory() as data_dir:
        settings = shots.Settings.load(environ={}, env_file=None).with_(
            data_dir=Path(data_dir), shop_name="Corner Café", terminal_id="till-2",
            database_url=server.create_database("shop"))
        core = shots.AppCore(settings).start()
        shots.ensure_open_shift(core.open().store, settings)
        shots.log_in(core.open(), "cashier")
        window = shots.build_main_window(core, reconcile=True)
        status = window.findChild(QLabel, "statusDatabase")
        try:
            window.resize(1180, 720)
            window.show()
            bot.waitUntil(lambda: "OK" in window.status_gateway.text() and "OK" in status.text(), 10000)
            shots.ring_up(window, bot)
            bot.pause(300)
            window.grab().save(str(args.out / "till-shop-database.png"))
            server.stop_immediately()
            bot.waitUntil(lambda: "unreachable" in status.text(), 15000)
            bot.pause(300)
            window.grab().save(str(args.out / "till-shop-database-down.png"))
            server.start_again()
            bot.waitUntil(lambda: "OK" in status.text(), 20000)
        finally:
            window.shutdown()
            window.close()
            core.stop()
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
