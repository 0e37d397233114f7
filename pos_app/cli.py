"""The `pos-app` command. With no sub-command it opens the till window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pos_app.config import ConfigError, Settings
from pos_app.errors import UserFacingError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-app", description="A point-of-sale till taking card payments "
                                     "through Stripe (training mode without keys).")
    parser.add_argument("--data-dir", type=Path, help="data folder (default: POS_DATA_DIR or the user data dir)")
    parser.add_argument("--env-file", default=".env", help="settings file to read (default: ./.env)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command")

    imp = sub.add_parser("import-catalogue", help="add or update catalogue items from a CSV file")
    imp.add_argument("file", type=Path)

    serve = sub.add_parser("serve", help="run the local endpoint (and training sandbox) without a window")
    serve.add_argument("--port", type=int, default=None, help="endpoint port (default: POS_PORT, 0 = any)")
    # Also accepted after the sub-command (`pos-app serve --data-dir DIR`); SUPPRESS keeps the
    # top-level value when it is given before it instead.
    serve.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data folder")

    sandbox = sub.add_parser("sandbox", help="run the training Stripe sandbox on its own")
    sandbox.add_argument("--port", type=int, default=0)

    sub.add_parser("orders", help="list recent orders")
    sub.add_parser("review", help="list payments waiting for a manager's review (paid wrongly or "
                                  "after their cart was cleared)")
    report = sub.add_parser("report", help="end-of-day (Z) report for a day")
    report.add_argument("--date", required=True, help="YYYY-MM-DD (local time)")
    report.add_argument("--csv", type=Path, help="also write the report as CSV to this file")
    return parser


def load_settings(args: argparse.Namespace) -> Settings:
    settings = Settings.load(env_file=args.env_file)
    if args.data_dir is not None:
        settings = settings.with_(data_dir=args.data_dir)
    return settings


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        settings = load_settings(args)
        return _run(args, settings)
    except (ConfigError, UserFacingError) as exc:
        print(f"pos-app: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "import-catalogue":
        return _import_catalogue(settings, args.file)
    if command == "serve":
        from pos_app.web.serve import run_serve
        if args.port is not None:
            settings = settings.with_(port=args.port)
        return run_serve(settings)
    if command == "sandbox":
        from pos_app.sandbox.server import run_standalone
        return run_standalone(args.port, args.data_dir)
    if command == "orders":
        from pos_app.reports import print_orders
        return print_orders(settings)
    if command == "review":
        from pos_app.reports import print_review
        return print_review(settings)
    if command == "report":
        from pos_app.reports import print_report
        return print_report(settings, args.date, args.csv)
    from pos_app.qt.app import run_gui
    return run_gui(settings)


def _import_catalogue(settings: Settings, file: Path) -> int:
    from pos_app.datalock import DataFolderLock
    from pos_app.store import open_store
    if not file.is_file():
        print(f"pos-app: {file}: no such file", file=sys.stderr)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with DataFolderLock(settings.data_dir, "pos-app import-catalogue"):
        store = open_store(settings.database_path, settings.pricing, seed_demo=False)
        try:
            result = store.catalogue.import_csv(file)
        finally:
            store.close()
    print(f"imported {file}: {result.added} added, {result.updated} updated "
          f"({settings.database_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
