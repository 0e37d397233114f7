"""`pos-app` options as a user types them (real subprocesses): global options after the command,
the report's default day, the orders period, quiet logs, help text, bad values refused with exit 2."""

from __future__ import annotations

import argparse

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from pos_app.cli import _parser
from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.testing.staff import log_in
from tests.integration.reports.sales import sell


def run(*args, env_extra=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "pos_app.cli", *args], capture_output=True, text=True,
                          timeout=60, env=env, cwd="/")


@pytest.fixture(scope="module")
def sold(tmp_path_factory):
    """A data folder with one training sale made today."""
    data_dir = tmp_path_factory.mktemp("till")
    core = AppCore(Settings.load(environ={}, env_file=None).with_(data_dir=data_dir)).start()
    try:
        log_in(core.open())
        order = sell(core, {"item1": 1})
    finally:
        core.stop()
    return data_dir, order


def test_global_options_work_after_the_command_too(sold):
    data_dir, order = sold
    after = run("orders", "--data-dir", str(data_dir), "--env-file", "/nonexistent")
    before = run("--data-dir", str(data_dir), "orders")
    assert after.returncode == 0 and before.returncode == 0, after.stderr + before.stderr
    assert order.number in after.stdout and after.stdout == before.stdout
    # Given on both sides, the one after the command wins (as it reads).
    both = run("--data-dir", "/nonexistent-dir", "orders", "--data-dir", str(data_dir))
    assert order.number in both.stdout


def test_report_defaults_to_today_and_prints_no_library_info_lines(sold):
    data_dir, _ = sold
    out = run("report", "--data-dir", str(data_dir))
    assert out.returncode == 0, out.stderr
    assert f"End of day (Z) report {date.today().isoformat()}" in out.stdout
    assert "Visa" in out.stdout
    assert out.stderr == ""  # no "INFO pos_app.serving: sandbox listening on ..."
    verbose = run("report", "-v", "--data-dir", str(data_dir))
    assert "INFO" in verbose.stderr or "DEBUG" in verbose.stderr


def test_orders_since_until_and_limit(sold):
    data_dir, order = sold
    today, yesterday = date.today().isoformat(), (date.today() - timedelta(days=1)).isoformat()
    assert order.number in run("orders", "--since", "today", "--data-dir", str(data_dir)).stdout
    assert order.number in run("orders", "--since", yesterday, "--until", today, "--data-dir", str(data_dir)).stdout
    none = run("orders", "--until", "yesterday", "--data-dir", str(data_dir))
    assert none.returncode == 0 and order.number not in none.stdout and "no orders in that period" in none.stdout
    assert run("orders", "--limit", "1", "--data-dir", str(data_dir)).stdout.count("\n") == 1
    bad = run("orders", "--since", "tomorrowish", "--data-dir", str(data_dir))
    assert bad.returncode == 2 and "--since must be YYYY-MM-DD, 'today' or 'yesterday'" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("args, expected", [
    (["orders", "--limit", "٣"], "--limit: must be a whole number"),
    (["serve", "--port", "99999"], "--port must be a port number 0-65535"),
    (["sandbox", "--port", "1" * 5000], "--port must be a port number 0-65535"),
])
def test_bad_option_values_are_refused_with_exit_2(args, expected):
    out = run(*args)
    assert out.returncode == 2 and expected in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("env, setting", [
    ({"POS_LOCALE": "no-such-locale"}, "POS_LOCALE"),
    ({"POS_CURRENCY": "zzz"}, "POS_CURRENCY"),
    ({"POS_PORT": "８０"}, "POS_PORT"),  # fullwidth digits
])
def test_a_bad_setting_is_named_and_exits_2(env, setting, tmp_path):
    out = run("report", "--data-dir", str(tmp_path), env_extra=env)
    assert out.returncode == 2 and out.stderr.startswith(f"pos-app: {setting}") and "Traceback" not in out.stderr


def test_en_us_with_a_hyphen_works_for_the_report(sold):
    data_dir, _ = sold
    out = run("report", "--data-dir", str(data_dir), env_extra={"POS_LOCALE": "en-US"})
    assert out.returncode == 0, out.stderr


def test_every_argument_has_help_text():
    parsers = {"pos-app": _parser()}
    while parsers:  # every parser, sub-commands' sub-commands too (pos-app shift open)
        name, p = parsers.popitem()
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers.update({f"{name} {sub}": subparser for sub, subparser in action.choices.items()})
            if action.dest in ("help", "command"):
                continue
            assert action.help, f"{name}: {'/'.join(action.option_strings) or action.dest} has no help text"
