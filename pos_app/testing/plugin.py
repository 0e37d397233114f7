"""pytest plugin of pos-app: the tester kit's fixtures (registered under the pytest11 entry point).

Active in every pytest session where pos-app is installed, so it is inert until a test needs the
till window: it changes no environment variable and imports neither Qt nor the application for a
session that never asks for pos_window or pos. Once the collected tests include one that does, and
before any test runs (so before pytest-qt creates the QApplication), it prepares Qt:

- QT_QPA_PLATFORM=offscreen, unless a platform was chosen (export QT_QPA_PLATFORM=xcb to watch);
- QtWebEngine's --no-sandbox, only when running as root (Chromium refuses its sandbox there, as in
  most CI containers); a normal user keeps Chromium's sandbox;
- import QtWebEngineWidgets (Qt requires it before the QApplication that pytest-qt creates).

A window fixture asked for only at run time (request.getfixturevalue) prepares Qt then, if it still can.
Fixtures: pos_options -> pos_config -> pos_app -> pos_window -> pos. See docs/testing.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import fields
from enum import Enum
from pathlib import Path

import pytest

MARKER = "pos_settings"
NEEDS_PYTEST_QT = ("the {fixture} fixture needs pytest-qt (its qtbot drives the window): "
                   "pip install 'pos-app[test]'")


def configure_headless_qt() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


#: The fixtures that need a QApplication with QtWebEngine (the others need no Qt at all).
WINDOW_FIXTURES = frozenset({"pos_window", "pos"})


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**overrides): settings for the pos_config fixture, by Settings field name, "
                   "e.g. currency='eur', tax_mode='inclusive', shop_name='Test shop'; open_shift=False starts "
                   "the till without an open shift; user='cashier' starts logged in as the demo cashier "
                   "(default: the demo manager), user=None at the PIN screen; reader=True registers a simulated "
                   "card reader as the till's (reader='simulated-s700': that one)")
    config.addinivalue_line(
        "markers", "sqlite_only: a test taking store_backend runs on SQLite only (it is about SQLite's own files)")


def pytest_collection_finish(session) -> None:
    """Prepare Qt only when a collected test uses a window fixture, before any test runs."""
    if any(WINDOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) for item in session.items):
        prepare_qt()


def prepare_qt() -> None:
    """Headless platform, Chromium flags, QtWebEngine imported: what must precede the QApplication."""
    import sys

    if "PySide6.QtWebEngineWidgets" in sys.modules:
        return
    configure_headless_qt()
    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401  (before any QApplication)
    except ImportError:  # no QtWebEngine here: the window fixtures will say so when asked for
        pass


# -- settings ------------------------------------------------------------------------------------


def _env_names() -> dict[str, str]:
    """Settings field -> the environment variable config.Settings.load() reads it from."""
    from pos_app.config import Settings

    return {f.name: (f.name.upper() if f.name.startswith("stripe_") else f"POS_{f.name.upper()}")
            for f in fields(Settings) if f.name != "data_dir"}


def _env_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value.value if isinstance(value, Enum) else value)


def training_settings(data_dir: str | Path, **overrides):
    """Settings for a till in data_dir, ignoring the process environment and any .env file.

    Without Stripe keys among the overrides that is training mode: the built-in sandbox, no network.
    Overrides go through the same checks as the environment (a bad value raises ConfigError).
    """
    from pos_app.config import Settings

    names, environ = _env_names(), {}
    for name, value in overrides.items():
        if name == "data_dir":
            data_dir = value
        elif name in names:
            environ[names[name]] = _env_text(value)
        else:
            raise pytest.UsageError(f"{MARKER}: unknown setting {name!r}; known: {', '.join(sorted(names))}")
    return Settings.load(environ=environ, env_file=None).with_(data_dir=Path(data_dir))


# -- fixtures ------------------------------------------------------------------------------------


#: pos_settings options that are no Settings field: open_shift (default True) starts the till in an
#: open shift (float 0), as a till sells only within one; user (default "manager") is the demo user
#: logged in at the start ("cashier", or None: the till starts at its PIN screen).
KIT_OPTIONS = frozenset({"open_shift", "user", "reader"})

#: pos_settings(reader=True): a simulated reader (Stripe's test code) registered in training's sandbox.
SIMULATED_READER_CODE = "simulated-wpe"


def register_simulated_reader(settings, code: str = SIMULATED_READER_CODE) -> str:
    """Register a simulated reader (and a location for it) in the sandbox of settings' data folder,
    before the till starts; returns its id, for POS_READER_ID."""
    from pos_app.gateways import start_gateway, stop_sandbox
    from pos_app.payments.readers import reader_gateway
    gateway, sandbox = start_gateway(settings)
    try:
        readers = reader_gateway(gateway)
        location = readers.create_location(display_name="Training shop",
                                           address={"line1": "1 Test Street", "city": "Testville",
                                                    "country": "US", "postal_code": "94110"})
        reader = readers.register_reader(registration_code=code, label=f"{settings.terminal_id} reader",
                                         location=location.id)
    finally:
        stop_sandbox(sandbox)
    return reader.id


def ensure_open_shift(store, settings) -> None:
    """Open a shift (float 0) on the settings' till unless one is open: the kit's default start."""
    if store.shifts.current(settings.terminal_id) is None:
        store.shifts.open(settings.terminal_id, 0, settings.currency)


@pytest.fixture
def pos_options(request) -> dict:
    """Settings overrides for pos_config, from @pytest.mark.pos_settings(...) (the closest marker wins),
    and the kit's own options (open_shift=False: start without an open shift).

    Override this fixture to set them for a whole module or conftest.
    """
    options: dict = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"{MARKER} takes keyword arguments only, e.g. {MARKER}(currency='eur')")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def pos_config(tmp_path, pos_options):
    """Settings for a throwaway data folder: training mode, demo catalogue, plus pos_options."""
    settings = {name: value for name, value in pos_options.items() if name not in KIT_OPTIONS}
    config = training_settings(tmp_path / "pos-data", **settings)
    reader = pos_options.get("reader")
    if reader:
        code = reader if isinstance(reader, str) else SIMULATED_READER_CODE
        config = config.with_(reader_id=register_simulated_reader(config, code))
    return config


@pytest.fixture
def pos_app(pos_config, pos_options):
    """A started application core without a window: store, training sandbox, local endpoint, a
    shift open on its till (float 0) unless pos_settings(open_shift=False), and the demo manager
    logged in (pos_settings(user="cashier"): the demo cashier; user=None: no one).

    An AppCore: .url, .token, .sandbox_url, .settings, and its two contexts: .local (settings,
    store, carts) and .payments (gateway, checkout, events, review_desk, endpoint).
    """
    from pos_app.core import AppCore

    from pos_app.testing.staff import log_in

    core = AppCore(pos_config).start()
    if pos_options.get("open_shift", True):
        ensure_open_shift(core.open().store, pos_config)
    log_in(core.open(), pos_options.get("user", "manager"))
    yield core
    core.stop()


def _qtbot(request, fixture: str):
    try:
        return request.getfixturevalue("qtbot")
    except pytest.FixtureLookupError:
        pytest.fail(NEEDS_PYTEST_QT.format(fixture=fixture), pytrace=False)


@pytest.fixture
def pos_window(request, pos_app):
    """The till (MainWindow) over pos_app: shown, registered with qtbot, ready to sell."""
    prepare_qt()  # already done at collection, unless this fixture was asked for at run time
    qtbot = _qtbot(request, "pos_window")
    from pos_app.testing.till import close_till, open_till

    window = open_till(qtbot, pos_app)
    yield window
    close_till(qtbot, window)


@pytest.fixture
def pos(request, pos_app, pos_window, pos_options):
    """A PosDriver working pos_window as a cashier does (restart() logs the same demo user in again)."""
    qtbot = _qtbot(request, "pos")
    from pos_app.core import AppCore
    from pos_app.testing.driver import PosDriver
    from pos_app.testing.staff import log_in
    from pos_app.testing.till import close_till, open_till

    restarted: list[AppCore] = []

    def reopen(app: AppCore, window):
        close_till(qtbot, window)
        app.stop()
        core = AppCore(app.settings)
        restarted.append(core)
        log_in(core.start().open(), pos_options.get("user", "manager"))
        return core, open_till(qtbot, core)

    driver = PosDriver(qtbot, pos_window, app=pos_app, reopen=reopen)
    yield driver
    close_till(qtbot, driver.window)
    for core in restarted:
        core.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the session (testing/postgres.py); tests ask it for their own
    database with `postgres_server.create_database(name)`. Missing binaries fail the test, on purpose:
    a skip would hide in CI that the PostgreSQL half went untested."""
    from pos_app.testing.postgres import PostgresServer
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="module")
def crashable_postgres_server():
    """A PostgreSQL server of the test module's own, durable as a shop runs it (an acknowledged
    COMMIT is on disk), for tests that stop it as a crash does and start it again
    (`stop_immediately()`, `start_again()`): never the session's shared one."""
    from pos_app.testing.postgres import PostgresServer
    with PostgresServer(durable=True) as server:
        yield server


#: The backends a test asking for `store_backend` runs on, each as its own test (ids [sqlite], [postgresql]).
STORE_BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test (or fixture) that takes `store_backend` runs once per backend; `@pytest.mark.sqlite_only`
    keeps a test about SQLite's own files to the one."""
    if "store_backend" in metafunc.fixturenames:
        backends = ("sqlite",) if metafunc.definition.get_closest_marker("sqlite_only") else STORE_BACKENDS
        metafunc.parametrize("store_backend", backends)


@pytest.fixture(scope="session")
def shop_database_template(postgres_server) -> str:
    """A shop database migrated once (pos_template); each test's database is a copy of it."""
    from pos_app.store.pg import PgDatabase
    from pos_app.store.pg_schema import PG_MIGRATIONS
    url = postgres_server.create_database("pos_template")
    PgDatabase(url, migrations=PG_MIGRATIONS).close()
    return "pos_template"


@pytest.fixture(scope="session")
def shop_databases(postgres_server, shop_database_template):
    """Copies of the template made ahead while tests run (testing/shop_databases.py): take() / release()."""
    from pos_app.testing.shop_databases import ShopDatabases
    databases = ShopDatabases(postgres_server, shop_database_template)
    yield databases
    databases.close()


@pytest.fixture
def shop_database_url(shop_databases) -> Iterator[str]:
    """A new, migrated shop database of its own (its URL), dropped after the test."""
    name, url = shop_databases.take()
    yield url
    shop_databases.release(name)


@pytest.fixture
def database_location(store_backend, tmp_path, request) -> Path | str:
    """What `open_store` (or Settings.database_url) gets in a test run on both backends: a new
    SQLite file, or a new shop database on the session's PostgreSQL server."""
    if store_backend == "postgresql":
        return request.getfixturevalue("shop_database_url")
    return tmp_path / "pos.sqlite3"


@pytest.fixture
def shop_database_setting(store_backend, request) -> str:
    """Settings.database_url in a test run on both backends: "" (the till's own SQLite file in its
    data folder) or a new shop database's URL (POS_DATABASE_URL of a till on the shop's server)."""
    if store_backend == "postgresql":
        return str(request.getfixturevalue("shop_database_url"))
    return ""

