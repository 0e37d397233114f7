"""Settings from the environment and a .env file (python-dotenv); data dir from platformdirs.

Every setting is listed, with a comment, in example.env. A bad value raises ConfigError naming
the setting, before anything is opened or changed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import dotenv_values
from platformdirs import user_data_dir

from pos_app.domain.money import MoneyError
from pos_app.domain.pricing import PricingPolicy, TaxMode
from pos_app.errors import UserFacingError
from pos_app.domain.currencies import check_supported
from pos_app.domain.receipt_series import SERIES, receipt_prefix

if TYPE_CHECKING:
    from pos_app.shared_sandbox import SharedSandbox

APP_NAME = "pos-app"


class ConfigError(UserFacingError):
    pass


TRAINING, TEST, LIVE = "training", "test", "live"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    currency: str = "usd"
    tax_mode: TaxMode = TaxMode.EXCLUSIVE
    stripe_secret_key: str | None = field(default=None, repr=False)
    stripe_publishable_key: str | None = None
    terminal_id: str = "till-1"
    shop_name: str = "pos-app demo shop"
    shop_address: str = ""
    locale: str = "en_US"
    port: int = 0
    seed_demo_catalogue: bool = True
    printer: str = ""  # POS_PRINTER as given (checked by parse_printer); see receipt_printer
    auto_print: bool = False  # POS_AUTO_PRINT: print the receipt on the receipt printer after every sale
    discount_limit_bp: int = 1000  # POS_DISCOUNT_LIMIT (a percentage): a cashier's discounts above it need a manager
    idle_lock_seconds: int = 300  # POS_IDLE_LOCK_SECONDS: the till locks after this long without input (0: never)
    reader_id: str = ""  # POS_READER_ID: the Stripe Terminal reader (tmr_...) this till charges on; "" = none
    reader_tipping: bool = False  # POS_READER_TIPPING: the reader offers the customer a tip (manual capture)
    customer_screen: str = "auto"  # POS_CUSTOMER_SCREEN: auto (a second screen if any), off, or a screen's index
    theme: str = "standard"  # POS_THEME: standard | high-contrast (qt/theme.py)
    tiles_file: str = ""  # POS_TILES: the product tiles' CSV (default <data dir>/tiles.csv; qt/tiles_file.py)
    # POS_DATABASE_URL: a shop's PostgreSQL database (postgresql://...) shared by its tills; "" = the till's
    # own SQLite file in the data folder. repr=False: the URL may carry a password.
    database_url: str = field(default="", repr=False)
    # POS_RECEIPT_SERIES: this till's receipt number prefix (T02 -> T02-000123); "" = from the terminal id on a
    # shop's database (domain/receipt_series.py), none on a till's own file.
    receipt_series_setting: str = ""
    shared_sandbox: SharedSandbox | None = None  # POS_SANDBOX_*: the shop's one training sandbox (shared_sandbox.py)

    @property
    def mode(self) -> str:
        """training without keys; test with sk_test_/pk_test_; live with sk_live_/pk_live_."""
        if not self.stripe_secret_key:
            return TRAINING
        return LIVE if self.stripe_secret_key.startswith(("sk_live_", "rk_live_")) else TEST

    @property
    def training(self) -> bool:
        """No real money moves (no Stripe keys: the sandbox stands in)."""
        return self.mode == TRAINING

    @property
    def pricing(self) -> PricingPolicy:
        return PricingPolicy(self.currency, self.tax_mode)

    @property
    def receipt_printer(self) -> PrinterSetting:
        """The ESC/POS receipt printer (which also kicks the drawer). Unset: in training a file in
        the data folder records what would be printed (tests read it); otherwise none."""
        if self.printer:
            return parse_printer(self.printer)
        if self.mode == TRAINING:
            return PrinterSetting("file", path=str(self.data_dir / TRAINING_PRINTER_FILE))
        return PrinterSetting("none")

    @property
    def database_path(self) -> Path:
        return self.data_dir / "pos.sqlite3"

    @property
    def database_location(self) -> Path | str:
        """What open_store opens: the shop's PostgreSQL URL if set, else the till's SQLite file."""
        return self.database_url or self.database_path

    @property
    def receipt_series(self) -> str:
        """The prefix of this till's receipt numbers ('' = plain numbers)."""
        if self.receipt_series_setting:
            return self.receipt_series_setting
        return receipt_prefix(self.terminal_id) if self.shared_database else ""

    @property
    def shared_database(self) -> bool:
        """The tills of a shop share one PostgreSQL database (POS_DATABASE_URL)."""
        return bool(self.database_url)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env",
             **overrides) -> Settings:
        """Read settings: explicit overrides > process environment > .env file > defaults."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        settings = cls._from_values(values)
        settings = replace(settings, **overrides) if overrides else settings
        if settings.auto_print and settings.receipt_printer.kind == "none":
            raise ConfigError("POS_AUTO_PRINT=1 needs a receipt printer: set POS_PRINTER (or POS_AUTO_PRINT=0)")
        return settings

    @classmethod
    def _from_values(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() != "" else None

        from pos_app.shared_sandbox import shared_sandbox_setting
        secret, publishable = get("STRIPE_SECRET_KEY"), get("STRIPE_PUBLISHABLE_KEY")
        _check_keys(secret, publishable)
        currency = _check_currency(get("POS_CURRENCY") or "usd")
        tax_mode = get("POS_TAX_MODE") or "exclusive"
        if tax_mode not in {m.value for m in TaxMode}:
            raise ConfigError(f"POS_TAX_MODE must be 'exclusive' or 'inclusive', got {tax_mode!r}")
        terminal = get("POS_TERMINAL_ID") or "till-1"
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", terminal):
            raise ConfigError(f"POS_TERMINAL_ID must be 1-40 letters, digits, '-' or '_', got {terminal!r}")
        port = check_port(get("POS_PORT") or "0", "POS_PORT")
        seed = _check_flag(get("POS_SEED_DEMO_CATALOGUE") or "1", "POS_SEED_DEMO_CATALOGUE")
        printer = get("POS_PRINTER") or ""
        if printer:
            parse_printer(printer)
        data_dir = check_data_dir(Path(get("POS_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False)),
                                  "POS_DATA_DIR")
        return cls(
            data_dir=data_dir, currency=currency, tax_mode=TaxMode(tax_mode),
            stripe_secret_key=secret, stripe_publishable_key=publishable, terminal_id=terminal,
            shop_name=get("POS_SHOP_NAME") or "pos-app demo shop",
            shop_address=(get("POS_SHOP_ADDRESS") or "").replace("\\n", "\n"),
            locale=_check_locale(get("POS_LOCALE") or "en_US"), port=port,
            seed_demo_catalogue=seed, printer=printer,
            auto_print=_check_flag(get("POS_AUTO_PRINT") or "0", "POS_AUTO_PRINT"),
            discount_limit_bp=_check_percent(get("POS_DISCOUNT_LIMIT") or "10", "POS_DISCOUNT_LIMIT"),
            idle_lock_seconds=check_idle_lock(get("POS_IDLE_LOCK_SECONDS") or "300"),
            reader_id=check_reader_id(get("POS_READER_ID") or ""),
            reader_tipping=_check_flag(get("POS_READER_TIPPING") or "0", "POS_READER_TIPPING"),
            customer_screen=check_customer_screen(get("POS_CUSTOMER_SCREEN") or "auto"),
            theme=_check_theme(get("POS_THEME") or "standard"), tiles_file=get("POS_TILES") or "",
            database_url=check_database_url(get("POS_DATABASE_URL") or ""),
            receipt_series_setting=_check_series(get("POS_RECEIPT_SERIES") or ""),
            shared_sandbox=shared_sandbox_setting(get),
        )


def _check_series(text: str) -> str:
    if text and not SERIES.fullmatch(text.upper()):
        raise ConfigError(f"POS_RECEIPT_SERIES must be 1-8 letters or digits (e.g. T02), got {text[:20]!r}")
    return text.upper()


def check_database_url(text: str) -> str:
    """POS_DATABASE_URL: "" (SQLite in the data folder) or a postgresql:// URL naming a database, with
    psycopg installed. Checked without importing psycopg (~150 ms: the till's window shows its PIN
    screen first); libpq reads the rest when the database is opened (store/pg_link.py).
    The message never repeats the URL: it may hold the database's password."""
    if not text:
        return ""
    if not text.startswith(("postgresql://", "postgres://")):
        raise ConfigError("POS_DATABASE_URL must be a PostgreSQL URL (postgresql://user@host:5432/shop), "
                          "or empty for the till's own SQLite file")
    import importlib.util
    if importlib.util.find_spec("psycopg") is None:
        raise ConfigError("POS_DATABASE_URL needs psycopg: pip install 'pos-app[postgres]'")
    from urllib.parse import parse_qs, unquote, urlsplit
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed [ of an IPv6 host; its text quotes the URL
        raise ConfigError("POS_DATABASE_URL is not a URL PostgreSQL can read: check the host, port and "
                          "database name (postgresql://user@host:5432/shop)") from None
    if not unquote(parts.path.lstrip("/")) and not parse_qs(parts.query).get("dbname"):
        raise ConfigError("POS_DATABASE_URL names no database: add it after the host (postgresql://host/shop)")
    return text


def check_customer_screen(text: str) -> str:
    """auto, off or a screen's index (0 is the first screen), else ConfigError."""
    value = text.strip().lower()
    if value in ("auto", "off") or value.isdigit():
        return value
    raise ConfigError(f"POS_CUSTOMER_SCREEN must be auto, off or a screen number (0, 1, ...), not {text!r}")


def _check_currency(text: str) -> str:
    """An ISO 4217 code that Stripe charges in (domain/currencies.py), else ConfigError naming it."""
    try:
        return check_supported(text, setting="POS_CURRENCY")
    except MoneyError as exc:
        message = exc.message if exc.message.startswith("POS_CURRENCY") else f"POS_CURRENCY: {exc.message}"
        raise ConfigError(message) from None


def _check_keys(secret: str | None, publishable: str | None) -> None:
    if bool(secret) != bool(publishable):
        raise ConfigError("set both STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY, or neither (training mode)")
    if secret is None:
        return
    if not re.fullmatch(r"(sk|rk)_(test|live)_[A-Za-z0-9]+", secret):
        raise ConfigError("STRIPE_SECRET_KEY must look like sk_test_... or sk_live_...")
    if not re.fullmatch(r"pk_(test|live)_[A-Za-z0-9]+", publishable or ""):
        raise ConfigError("STRIPE_PUBLISHABLE_KEY must look like pk_test_... or pk_live_...")
    if ("_live_" in secret) != ("_live_" in (publishable or "")):
        raise ConfigError("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must both be test keys or both live")


# -- one check per setting, each naming the setting it refuses --------------------------------------


def _check_locale(text: str) -> str:
    """POS_LOCALE: a locale Babel can format money in; 'en-US' is accepted as en_US."""
    from babel.core import Locale, UnknownLocaleError

    wanted = text.replace("-", "_")
    try:
        parsed = str(Locale.parse(wanted)) if re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]{2,4}){0,2}", wanted) else ""
    except (UnknownLocaleError, ValueError, TypeError):
        parsed = ""
    # Babel's parse is lenient ('no_such_locale' gives 'no', 'en_ZZ' gives 'en_US'): only an exact match counts.
    if parsed.lower() != wanted.lower():
        raise ConfigError(f"POS_LOCALE: {text[:40]!r} is not a locale Babel knows; use a language and country "
                          "code such as en_US, de_DE or fr_CH")
    return parsed


def _check_percent(text: str, name: str) -> int:
    """A percentage from 0 to 100 with at most 2 decimals ("12.5"), as basis points."""
    whole, _, cents = text.removesuffix("%").strip().partition(".")
    if not (whole.isascii() and whole.isdigit() and (cents == "" or (cents.isdigit() and len(cents) <= 2))):
        raise ConfigError(f"{name} must be a percentage from 0 to 100 (e.g. 10 or 12.5), got {text[:20]!r}")
    bp = int(whole) * 100 + int(cents.ljust(2, "0") or 0)
    if bp > 10_000:
        raise ConfigError(f"{name} must be a percentage from 0 to 100 (e.g. 10 or 12.5), got {text[:20]!r}")
    return bp


THEMES = ("standard", "high-contrast")  # qt/theme.py's


def _check_theme(text: str) -> str:
    if text.lower() not in THEMES:
        raise ConfigError(f"POS_THEME must be one of {', '.join(THEMES)}, got {text[:30]!r}")
    return text.lower()


def _check_flag(text: str, name: str) -> bool:
    value = text.lower()
    if value not in {"1", "0", "true", "false", "yes", "no"}:
        raise ConfigError(f"{name} must be 1 or 0, got {text[:20]!r}")
    return value in {"1", "true", "yes"}


def check_port(text: str, name: str) -> int:
    """A port number 0-65535 written in ASCII digits (int() would take '١٢' or a 5,000-digit number)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and int(text) <= 65535):
        raise ConfigError(f"{name} must be a port number 0-65535 (0 = any free port), got {text[:20]!r}")
    return int(text)


def check_reader_id(text: str, name: str = "POS_READER_ID") -> str:
    """A Stripe Terminal reader's id (tmr_ and letters or digits), or "" for no reader."""
    if text and not re.fullmatch(r"tmr_[A-Za-z0-9]{1,250}", text):
        raise ConfigError(f"{name} must be a reader id such as tmr_FDOt2wlRZEdpd7 (see: pos-app reader "
                          f"list), got {text[:40]!r}")
    return text


MAX_IDLE_LOCK = 86_400  # a day: longer is no lock at all (say 0)


def check_idle_lock(text: str, name: str = "POS_IDLE_LOCK_SECONDS") -> int:
    """Seconds without input before the till locks: 0 (never) to a day, in ASCII digits."""
    if not (text.isascii() and text.isdigit() and len(text) <= 6 and int(text) <= MAX_IDLE_LOCK):
        raise ConfigError(f"{name} must be a number of seconds from 0 (never lock) to {MAX_IDLE_LOCK}, "
                          f"got {text[:20]!r}")
    return int(text)


def check_data_dir(path: Path, name: str) -> Path:
    """A folder, or a place one can be made: refused if it, or the nearest thing above it that
    exists, is a file (the till would otherwise fail later with a traceback)."""
    path = Path(path).expanduser()
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        what = "is a file" if existing == path else f"is inside {existing}, which is a file"
        raise ConfigError(f"{name}: {path} {what}, not a folder; point {name} at a folder")
    return path


# -- POS_PRINTER ------------------------------------------------------------------------------------

TRAINING_PRINTER_FILE = "printer.bin"
PRINTER_FORMS = "none, file:PATH, usb:VID:PID, network:HOST[:PORT] or serial:DEVICE[:BAUD]"
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True)
class PrinterSetting:
    """Which ESC/POS receipt printer, and how it is reached; str() is the setting's text."""

    kind: str  # none | file | usb | network | serial
    path: str = ""  # file: the file the bytes are appended to; serial: the device (/dev/ttyUSB0, COM3)
    host: str = ""  # network
    port: int = 9100  # network (the raw printing port)
    vendor_id: int = 0  # usb
    product_id: int = 0  # usb
    baudrate: int = 9600  # serial

    def __str__(self) -> str:
        if self.kind == "usb":
            return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
        if self.kind == "network":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"network:{host}:{self.port}"
        if self.kind == "serial":
            return f"serial:{self.path}:{self.baudrate}"
        return f"file:{self.path}" if self.kind == "file" else "none"


def parse_printer(text: str) -> PrinterSetting:
    """POS_PRINTER: one of PRINTER_FORMS, else ConfigError naming the setting and what is wrong."""
    kind, _, rest = text.strip().partition(":")
    parse = _PRINTER_PARSERS.get(kind.lower())
    if parse is None or (kind.lower() == "none") != (rest == ""):
        raise ConfigError(f"POS_PRINTER must be {PRINTER_FORMS}; got {text[:60]!r}")
    return parse(rest)


def _file_printer(rest: str) -> PrinterSetting:
    path = Path(rest).expanduser()
    if path.is_dir():
        raise ConfigError(f"POS_PRINTER: {path} is a folder; file:PATH needs a file to write the printer's bytes to")
    return PrinterSetting("file", path=str(path))


def _usb_printer(rest: str) -> PrinterSetting:
    match = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", rest)
    if match is None:
        raise ConfigError(f"POS_PRINTER: usb: needs the vendor and product id in hex, e.g. usb:04b8:0202; got "
                          f"{rest[:40]!r}")
    return PrinterSetting("usb", vendor_id=int(match[1], 16), product_id=int(match[2], 16))


def _network_printer(rest: str) -> PrinterSetting:
    match = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(\w+))?", rest)
    if match is None:
        raise ConfigError(f"POS_PRINTER: network: needs a host name or IP address, e.g. network:192.168.1.50 or "
                          f"network:printer.local:9100; got {rest[:60]!r}")
    port_text = match[2] or "9100"
    if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5 and 0 < int(port_text) <= 65535):
        raise ConfigError(f"POS_PRINTER: a network printer's port must be 1-65535 (9100 when left out); got "
                          f"{port_text[:20]!r}")
    return PrinterSetting("network", host=match[1].strip("[]"), port=int(port_text))


def _serial_printer(rest: str) -> PrinterSetting:
    device, baud = rest, "9600"
    head, _, tail = rest.rpartition(":")
    if head and tail.isascii() and tail.isdigit():
        device, baud = head, tail
    if not device or int(baud) not in BAUD_RATES:
        raise ConfigError(f"POS_PRINTER: serial: needs a device and optionally a baud rate "
                          f"({', '.join(map(str, BAUD_RATES))}), e.g. serial:/dev/ttyUSB0:19200; got {rest[:60]!r}")
    return PrinterSetting("serial", path=device, baudrate=int(baud))


_PRINTER_PARSERS = {
    "none": lambda _rest: PrinterSetting("none"),
    "file": _file_printer, "usb": _usb_printer, "network": _network_printer, "serial": _serial_printer,
}
