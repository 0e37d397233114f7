from pathlib import Path

import pytest

from pos_app.config import ConfigError, Settings
from pos_app.domain.pricing import TaxMode


def load(**env):
    return Settings.load(environ=env, env_file=None)


def test_defaults_are_training_usd_no_tax_in_user_data_dir():
    s = load()
    assert s.mode == "training" and s.currency == "usd" and s.tax_mode is TaxMode.EXCLUSIVE
    assert "pos-app" in str(s.data_dir)


def test_keys_choose_the_mode():
    assert load(STRIPE_SECRET_KEY="sk_test_abc", STRIPE_PUBLISHABLE_KEY="pk_test_abc").mode == "test"
    assert load(STRIPE_SECRET_KEY="sk_live_abc", STRIPE_PUBLISHABLE_KEY="pk_live_abc").mode == "live"


@pytest.mark.parametrize("env, name", [
    ({"STRIPE_SECRET_KEY": "sk_test_abc"}, "STRIPE_PUBLISHABLE_KEY"),
    ({"STRIPE_SECRET_KEY": "nope", "STRIPE_PUBLISHABLE_KEY": "pk_test_a"}, "STRIPE_SECRET_KEY"),
    ({"STRIPE_SECRET_KEY": "sk_live_a", "STRIPE_PUBLISHABLE_KEY": "pk_test_a"}, "both be test keys or both live"),
    ({"POS_CURRENCY": "dollars"}, "POS_CURRENCY"),
    ({"POS_CURRENCY": "xdr"}, "POS_CURRENCY=xdr: Stripe can't take card payments in XDR"),  # ISO, not Stripe
    ({"POS_TAX_MODE": "sometimes"}, "POS_TAX_MODE"),
    ({"POS_PORT": "99999"}, "POS_PORT"),
    ({"POS_PORT": "١٢٣"}, "POS_PORT"),  # Arabic-Indic digits: str.isdigit() says yes, a port says no
    ({"POS_PORT": "9" * 5000}, "POS_PORT"),
    ({"POS_PORT": "-1"}, "POS_PORT"),
    ({"POS_LOCALE": "klingon"}, "POS_LOCALE"),
    ({"POS_LOCALE": "no-such-locale"}, "POS_LOCALE"),
    ({"POS_LOCALE": "en_ZZ"}, "POS_LOCALE"),
    ({"POS_CURRENCY": "xyz"}, "POS_CURRENCY"),
    ({"POS_TERMINAL_ID": "till 1"}, "POS_TERMINAL_ID"),
    ({"POS_SEED_DEMO_CATALOGUE": "maybe"}, "POS_SEED_DEMO_CATALOGUE"),
])
def test_bad_settings_name_the_setting(env, name):
    with pytest.raises(ConfigError, match=name):
        load(**env)


def test_secret_key_not_in_repr():
    s = load(STRIPE_SECRET_KEY="sk_test_secret123", STRIPE_PUBLISHABLE_KEY="pk_test_abc")
    assert "sk_test_secret123" not in repr(s)


def test_dotenv_file_then_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("POS_CURRENCY=eur\nPOS_DATA_DIR=/tmp/from-dotenv\nPOS_TAX_MODE=inclusive\n")
    s = Settings.load(environ={"POS_CURRENCY": "gbp"}, env_file=env_file)
    assert s.currency == "gbp" and s.data_dir == Path("/tmp/from-dotenv") and s.tax_mode is TaxMode.INCLUSIVE


def test_example_env_lists_every_setting():
    example = (Path(__file__).parents[2] / "example.env").read_text()
    import inspect

    import pos_app.config as config
    source = inspect.getsource(config)
    import re
    names = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    assert names, "no settings found"
    missing = [n for n in names if f"\n{n}=" not in "\n" + example]
    assert missing == []


@pytest.mark.parametrize("text, expected", [("en-US", "en_US"), ("de_DE", "de_DE"), ("fr-CH", "fr_CH"), ("ja", "ja")])
def test_a_locale_is_checked_with_babel_and_written_as_babel_writes_it(text, expected):
    from pos_app.domain.money import Money, format_money
    locale = load(POS_LOCALE=text).locale
    assert locale == expected
    format_money(Money(100, "usd"), locale)  # what every page and report does with it


def test_a_data_dir_that_is_a_file_is_refused_naming_the_setting(tmp_path):
    file = tmp_path / "not-a-folder"
    file.write_text("precious")
    with pytest.raises(ConfigError, match=r"POS_DATA_DIR: .*not-a-folder is a file, not a folder"):
        load(POS_DATA_DIR=str(file))
    with pytest.raises(ConfigError, match=r"POS_DATA_DIR: .* is inside .*not-a-folder, which is a file"):
        load(POS_DATA_DIR=str(file / "sub"))
    assert file.read_text() == "precious"
    assert load(POS_DATA_DIR=str(tmp_path / "new" / "folder")).data_dir == tmp_path / "new" / "folder"


@pytest.mark.parametrize("text", ["-1", "abc", "1.5", "86401", "١٢"])
def test_a_bad_idle_lock_is_a_config_error_naming_it(text):
    with pytest.raises(ConfigError, match="POS_IDLE_LOCK_SECONDS must be a number of seconds from 0"):
        Settings.load(environ={"POS_IDLE_LOCK_SECONDS": text}, env_file=None)


def test_the_idle_lock_defaults_to_five_minutes_and_0_is_never():
    assert Settings.load(environ={}, env_file=None).idle_lock_seconds == 300
    assert Settings.load(environ={"POS_IDLE_LOCK_SECONDS": "0"}, env_file=None).idle_lock_seconds == 0


# -- POS_DATABASE_URL: checked at load without psycopg; libpq reads it when the database is opened ----


@pytest.mark.parametrize("url, message", [
    ("mysql://host/shop", "must be a PostgreSQL URL"),
    ("postgresql://host", "names no database"),
    ("postgresql://host/", "names no database"),
    ("postgresql://user:s3cret@[::1/shop", "is not a URL PostgreSQL can read"),  # urlsplit's ValueError
])
def test_a_database_url_that_names_no_database_is_refused_at_load_without_quoting_it(url, message):
    with pytest.raises(ConfigError) as refused:
        load(POS_DATABASE_URL=url)
    assert message in str(refused.value) and "s3cret" not in str(refused.value)


def test_a_database_url_may_name_its_database_as_a_parameter():
    assert load(POS_DATABASE_URL="postgresql://host?dbname=shop").database_url == "postgresql://host?dbname=shop"


def test_a_database_url_without_psycopg_installed_says_what_to_install(monkeypatch):
    import importlib.util
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",  # fault injection: this venv has psycopg
                        lambda name, *a: None if name == "psycopg" else real_find_spec(name, *a))
    with pytest.raises(ConfigError, match=r"needs psycopg: pip install 'pos-app\[postgres\]'"):
        load(POS_DATABASE_URL="postgresql://host/shop")


def test_reading_the_settings_does_not_import_psycopg():
    """The window's PIN screen comes before psycopg's import (~150 ms): the settings must not need it."""
    import subprocess
    import sys
    code = ("import sys; from pos_app.config import Settings; "
            "s = Settings.load(environ={'POS_DATABASE_URL': 'postgresql://u:p@host:5432/shop'}, env_file=None); "
            "print(s.shared_database, 'psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "False"], done.stderr


def test_a_url_libpq_cannot_read_is_refused_when_opened_without_quoting_it():
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    from pos_app.store.pg_link import UnreadableDatabaseUrl

    url = "postgresql://pos:pa%zzword@127.0.0.1:1/shop"  # a bad %-escape: libpq refuses it before connecting
    load(POS_DATABASE_URL=url)  # passes the load's checks
    with pytest.raises(UnreadableDatabaseUrl) as refused:
        open_store(url, PricingPolicy("usd"))
    assert "is not a URL PostgreSQL can read" in str(refused.value) and "zz" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_psycopg_that_cannot_be_imported_is_refused_when_opened_saying_what_to_install(monkeypatch):
    import sys

    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    from pos_app.store.faults import StoreError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # fault injection: psycopg found, its import failing
    with pytest.raises(StoreError, match=r"needs psycopg and its libpq: pip install 'pos-app\[postgres\]'"):
        open_store("postgresql://pos@127.0.0.1:1/shop", PricingPolicy("usd"))
