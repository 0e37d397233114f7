"""The `pos-app` command. With no sub-command it opens the till window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pos_app.config import ConfigError, Settings, check_data_dir, check_port
from pos_app.i18n import _, use_locale
from pos_app.errors import UserFacingError


def _port(text: str) -> int:
    try:
        return check_port(text, "--port")
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name (`pos-app orders --data-dir X`).

    Sub-commands get them with SUPPRESS as default, so a value given before the sub-command's name
    is kept unless it is given again after it.
    """
    default = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, default=default(None), metavar="DIR",
                        help="data folder (default: POS_DATA_DIR, else the user data folder)")
    parser.add_argument("--env-file", default=default(".env"), metavar="FILE",
                        help="settings file to read (default: ./.env); the environment wins over it")
    parser.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="log what the till does (debug messages) on stderr")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-app", description="A point-of-sale till taking card payments "
                                     "through Stripe (training mode without keys). Without a command it "
                                     "opens the till window.")
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, defaults=False)
        return p

    imp = command("import-catalogue", "add or update catalogue items from a CSV file")
    imp.add_argument("file", type=Path, help="CSV with columns sku,name,price[,category,barcode,tax_rate]")

    serve = command("serve", "run the local endpoint (and training sandbox) without a window")
    serve.add_argument("--port", type=_port, default=None, help="endpoint port (default: POS_PORT, 0 = any free)")

    sandbox = command("sandbox", "run the training Stripe sandbox on its own (a shop's one sandbox for its tills)")
    sandbox.add_argument("--port", type=_port, default=0, help="sandbox port (default: 0 = any free port)")
    sandbox.add_argument("--host", default="127.0.0.1", metavar="ADDR", help="the address to serve on (default: "
                         "127.0.0.1; the shop server's LAN address to serve the shop's tills)")
    sandbox.add_argument("--keys-file", type=Path, default=None, metavar="FILE", help="write the tills' POS_SANDBOX_* "
                         "settings here, secret key included (default: sandbox-keys.env in the data folder)")

    day_help = "YYYY-MM-DD, 'today' or 'yesterday' (local time)"
    orders = command("orders", "list orders, most recent first")
    orders.add_argument("--since", metavar="DAY", help=f"from this day on ({day_help})")
    orders.add_argument("--until", metavar="DAY", help=f"up to and including this day ({day_help})")
    orders.add_argument("--limit", type=_limit, default=50, help="at most this many orders (default: 50)")
    command("review", "list payments waiting for a manager's review (paid with another amount, or after "
                      "their cart was cleared)")

    report = command("report", "end-of-day report for a day, or a shift's X/Z report, checked against the card "
                               "processor")
    which = report.add_mutually_exclusive_group()
    which.add_argument("--date", default=None, metavar="DAY", help=f"the day: {day_help} (default: today)")
    which.add_argument("--shift", type=_limit, metavar="N",
                       help="shift N of this till: its Z report if it closed, its X report if still open")
    which.add_argument("--x", action="store_true", help="the X report of the open shift (nothing is closed)")
    report.add_argument("--csv", type=Path, metavar="FILE", help="also write the report as CSV to this file")
    report.add_argument("--shop", action="store_true", help="every till of the shop's database (POS_DATABASE_URL): "
                        "a row per till and the shop's totals, checked with every till's payments")
    report.add_argument("--shifts", action="store_true", help="with --shop: the day's shifts of every till instead")
    _shift_command(command("shift", "open, show or close this till's shift (for a till without a window)"))
    _journal_command(command("journal", "check or export the till's tamper-evident journal"), day_help)
    _users_command(command("users", "the till's staff: add, list, disable, reset a PIN"))
    _db_command(command("db", "the till's or the shop's database: upgrade its schema"))
    _reader_command(command("reader", "Stripe Terminal card readers: register, list, pick this till's, "
                                      "locations (training: the sandbox's simulated readers)"))
    return parser


def _db_command(db: argparse.ArgumentParser) -> None:
    actions = db.add_subparsers(dest="db_action", metavar="ACTION", required=True, help="upgrade")
    upgrade = actions.add_parser("upgrade", help="apply the migrations to the database (POS_DATABASE_URL, else the "
                                 "data folder's): before the tills start", description="apply this pos-app's "
                                 "migrations to the database (POS_DATABASE_URL, else the data folder's own file)")
    _global_options(upgrade, defaults=False)


def _reader_command(reader: argparse.ArgumentParser) -> None:
    actions = reader.add_subparsers(dest="reader_action", metavar="ACTION", required=True,
                                    help="register, list, use or location")
    register = actions.add_parser("register", help="register a reader from the code it shows",
                                  description="register a reader from the registration code it shows "
                                              "(test mode and training: simulated-wpe or simulated-s700)")
    register.add_argument("code", help="the registration code")
    register.add_argument("--label", required=True, help="its name, e.g. 'Till 1'")
    register.add_argument("--location", metavar="ID", help="its location (tml_...; default: the shop's only "
                                                           "one, made in training when there is none)")
    register.add_argument("--use", action="store_true", help="and make it this till's reader (POS_READER_ID)")
    listing = actions.add_parser("list", help="list the readers: label, id, device type, status",
                                 description="list the readers: label, id, device type, status (* this till's)")
    use = actions.add_parser("use", help="make a reader this till's (writes POS_READER_ID to the settings file)",
                             description="make a reader this till's: writes POS_READER_ID to the settings file")
    use.add_argument("reader_id", metavar="READER_ID", help="the reader's id (tmr_...)")
    location = actions.add_parser("location", help="add or list the shop's Terminal locations",
                                  description="add or list the shop's Terminal locations")
    where = location.add_subparsers(dest="location_action", metavar="ACTION", required=True, help="add or list")
    add = where.add_parser("add", help="add a location", description="add a location (Stripe needs its address)")
    add.add_argument("name", help="its name, e.g. the shop's")
    for field in ("line1", "line2", "city", "state", "postal-code"):
        add.add_argument(f"--{field}", default=None, help=f"the address's {field.replace('-', ' ')} "
                                                          "(which ones Stripe needs depends on the country)")
    add.add_argument("--country", default="US", help="two-letter country code (default: US)")
    locations = where.add_parser("list", help="list the locations", description="list the locations")
    for sub in (register, listing, use, add, locations):
        _global_options(sub, defaults=False)


def _users_command(users: argparse.ArgumentParser) -> None:
    actions = users.add_subparsers(dest="users_action", metavar="ACTION", required=True,
                                   help="add, list, disable or reset-pin")
    add = actions.add_parser("add", help="add a user (asks for their PIN)", description="add a user; their PIN "
                             "is asked for without echo (and a manager's PIN once the till has a manager)")
    add.add_argument("name", help="their name, as the journal and receipts show it")
    add.add_argument("--role", choices=("cashier", "manager"), default="cashier", help="default: cashier")
    actions.add_parser("list", help="list the users", description="list the users, their roles and state")
    disable = actions.add_parser("disable", help="disable a user: their PIN opens nothing",
                                 description="disable a user: their PIN opens nothing (users are never deleted)")
    disable.add_argument("name", help="the user's name")
    reset = actions.add_parser("reset-pin", help="give a user a new PIN", description="give a user a new PIN")
    reset.add_argument("name", help="the user's name")
    for sub in (add, disable, reset):
        sub.add_argument("--pin-stdin", action="store_true",
                         help="read the PINs from stdin, one a line (the manager's first), instead of asking")


def _journal_command(journal: argparse.ArgumentParser, day_help: str) -> None:
    actions = journal.add_subparsers(dest="journal_action", metavar="ACTION", required=True,
                                     help="verify or export")
    actions.add_parser("verify", help="walk the hash chain: exit 1 naming the first edited, deleted or inserted "
                                      "entry", description="walk each till's hash chain in this data folder")
    export = actions.add_parser("export", help="write the journal as JSON lines or CSV",
                                description="write the journal's entries as JSON lines or CSV")
    export.add_argument("--since", metavar="DAY", help=f"from this day on ({day_help})")
    export.add_argument("--until", metavar="DAY", help=f"up to and including this day ({day_help})")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl")
    export.add_argument("--out", type=Path, metavar="FILE", help="write to this file (default: stdout)")


def _shift_command(shift: argparse.ArgumentParser) -> None:
    actions = shift.add_subparsers(dest="shift_action", metavar="ACTION", required=True,
                                   help="open, status or close")
    amount_help = "in the shop's currency, e.g. 100 or 100.00"
    opening = actions.add_parser("open", help="open a shift with the float counted into the drawer",
                                 description="open a shift with the float counted into the drawer")
    opening.add_argument("--float", dest="amount", required=True, metavar="AMOUNT",
                         help=f"the float put in the drawer ({amount_help})")
    status = actions.add_parser("status", help="the open shift's X report (or that none is open)",
                                description="the open shift's X report (or that none is open)")
    closing = actions.add_parser("close", help="close the shift with the cash counted (blind): prints the Z",
                                 description="close the shift with the cash counted in the drawer (a blind "
                                             "count: the expected amount is shown only in the Z that follows); "
                                             "asks for a manager's PIN (on a terminal; else stdin's first line)")
    closing.add_argument("--counted", dest="amount", required=True, metavar="AMOUNT",
                         help=f"the cash counted in the drawer ({amount_help})")
    for action in (opening, status, closing):
        _global_options(action, defaults=False)


def _limit(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 7 and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text[:20]!r}")
    return int(text)


def load_settings(args: argparse.Namespace) -> Settings:
    settings = Settings.load(env_file=args.env_file)
    if args.data_dir is not None:
        settings = settings.with_(data_dir=check_data_dir(args.data_dir, "--data-dir"))
    return settings


def configure_logging(verbose: bool) -> None:
    """Warnings and errors only, unless -v: a cashier's terminal is not a log viewer."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # werkzeug sets its own logger to INFO when it finds it unset (a line per request).
    logging.getLogger("werkzeug").setLevel(logging.DEBUG if verbose else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        settings = load_settings(args)
        use_locale(settings.locale)  # POS_LOCALE: the language of the window, receipts and reports
        return _run(args, settings)
    except (ConfigError, UserFacingError) as exc:
        if args.command is None:  # the window: started from an icon, stderr is seen by nobody
            from pos_app.qt.startup import show_startup_error
            show_startup_error(str(exc))
        print(f"pos-app: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "import-catalogue":
        return _import_catalogue(settings, args.file)
    if command == "serve":
        from pos_app.serve import run_serve
        if args.port is not None:
            settings = settings.with_(port=args.port)
        return run_serve(settings)
    if command == "sandbox":
        from pos_app.sandbox.server import run_standalone
        return run_standalone(args.port, args.data_dir, args.host, args.keys_file)
    if command == "orders":
        from pos_app.reports import print_orders
        return print_orders(settings, args.limit, args.since, args.until)
    if command == "review":
        from pos_app.reports import print_review
        return print_review(settings)
    if command == "report" and (args.shop or args.shifts):
        from pos_app.shop_reports import print_shop_report
        if not args.shop or args.shift is not None or args.x:
            raise UserFacingError(_("--shifts goes with --shop, and --shop with --date only (not --shift or --x)"))
        return print_shop_report(settings, args.date or "today", args.csv, shifts=args.shifts)
    if command == "report" and (args.shift is not None or args.x):
        from pos_app.shift_reports import print_shift_report
        return print_shift_report(settings, args.shift, args.csv)
    if command == "report":
        from pos_app.reports import print_report
        return print_report(settings, args.date or "today", args.csv)
    if command == "journal" and args.journal_action == "verify":
        from pos_app.audit import verify_journal
        return verify_journal(settings)
    if command == "journal":
        from pos_app.audit import export_journal
        return export_journal(settings, args.since, args.until, args.format, args.out)
    if command == "users":
        from pos_app.staff_admin import run_users_command
        return run_users_command(settings, args.users_action, getattr(args, "name", None),
                                 getattr(args, "role", None), getattr(args, "pin_stdin", False))
    if command == "reader":
        return _reader(settings, args)
    if command == "db":
        from pos_app.db_admin import run_db_upgrade
        return run_db_upgrade(settings)
    if command == "shift":
        from pos_app.shift_reports import run_shift_command
        return run_shift_command(settings, args.shift_action, getattr(args, "amount", None))
    from pos_app.qt.startup import check_display
    check_display()  # before any Qt module is imported: one line, not a traceback or Qt's abort
    from pos_app.qt.app import run_gui
    return run_gui(settings)


def _reader(settings: Settings, args: argparse.Namespace) -> int:
    from pos_app.reader_admin import run_reader_command
    action = args.reader_action
    if action == "location":
        action = f"location-{args.location_action}"
    address = {"country": args.country, **{k: getattr(args, k) for k in ("line1", "line2", "city", "state")
                                           if getattr(args, k)}} if action == "location-add" else None
    if address is not None and args.postal_code:
        address["postal_code"] = args.postal_code
    return run_reader_command(settings, action, env_file=args.env_file, code=getattr(args, "code", ""),
                              label=getattr(args, "label", ""), location=getattr(args, "location", None),
                              use=getattr(args, "use", False), reader_id=getattr(args, "reader_id", ""),
                              name=getattr(args, "name", ""), address=address)


def _import_catalogue(settings: Settings, file: Path) -> int:
    from pos_app.datalock import DataFolderLock
    from pos_app.store.faults import prepare_data_dir
    from pos_app.store import open_store
    if not file.is_file():
        print(f"pos-app: {file}: no such file", file=sys.stderr)
        return 2
    prepare_data_dir(settings.data_dir)
    with DataFolderLock(settings.data_dir, "pos-app import-catalogue"):
        store = open_store(settings.database_location, settings.pricing,
                           receipt_series=settings.receipt_series, till=settings.terminal_id,
                           training=settings.training)
        try:
            with TerminalProgress(file) as progress:
                result = store.catalogue.import_csv(file, settings.locale, progress)
        finally:
            store.close()
    for warning in result.warnings:
        print(f"pos-app: warning: {warning}", file=sys.stderr)
    print(f"imported {file}: {result.changed:,} changed ({result.added} added, {result.updated} updated, "
          f"{result.unchanged} unchanged) in {store.db.path}")
    return 0


class TerminalProgress:
    """Progress bars (tqdm) on stderr for a large import, when stderr is a terminal; silent otherwise."""

    LARGE = 20_000  # rows: below this an import takes about a second and needs no bar

    def __init__(self, file: Path) -> None:
        self._name = file.name
        self._bars: dict[str, object] = {}

    def _bar(self, stage: str, total: int | None):
        if stage not in self._bars:
            from tqdm import tqdm
            self._bars[stage] = tqdm(total=total, desc=f"{stage} {self._name}", unit=" rows",
                                     file=sys.stderr, disable=None)  # disable=None: no terminal, no bar
        return self._bars[stage]

    def read(self, rows: int) -> None:
        if rows >= self.LARGE or "checking" in self._bars:
            bar = self._bar("checking", None)
            bar.update(rows - bar.n)

    def wrote(self, done: int, total: int) -> None:
        if total >= self.LARGE:
            bar = self._bar("writing", total)
            bar.update(done - bar.n)

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc) -> None:
        for bar in self._bars.values():
            bar.close()


if __name__ == "__main__":
    sys.exit(main())
