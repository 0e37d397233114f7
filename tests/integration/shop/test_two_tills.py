"""Two tills of one shop on one PostgreSQL database and one shared training sandbox (`pos-app sandbox`):
both sell, each till's report is its own, the shop's report adds both up, each till's reconcile works."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.reports import build_report
from pos_app.shop_reports import build_shop_report
from pos_app.testing.staff import log_in
from tests.integration.payments.helpers import MASTERCARD
from tests.integration.reports.sales import pay_without_order, sell

TODAY = date.today()


def cli(*args: str, data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                           str(data_dir), *args], capture_output=True, text=True, timeout=60, env={**clean, **env})


@pytest.fixture
def shop_sandbox(tmp_path) -> Iterator[dict[str, str]]:
    """`pos-app sandbox` on the shop server, as a shop starts it: its keys file's settings lines."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    proc = subprocess.Popen([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                             str(tmp_path / "shop-server"), "sandbox", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean)
    try:
        info = json.loads(proc.stdout.readline())
        lines = Path(info["keys_file"]).read_text(encoding="utf-8").splitlines()
        yield dict(line.split("=", 1) for line in lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture
def till_env(shop_database_url, shop_sandbox):
    """The settings of till `n` of the shop: its terminal id, the shop's database and sandbox."""
    return lambda n: {"POS_TERMINAL_ID": f"till-{n}", "POS_DATABASE_URL": shop_database_url, **shop_sandbox}


def start_till(env: dict[str, str], data_dir: Path) -> AppCore:
    core = AppCore(Settings.load(environ=env, env_file=None).with_(data_dir=data_dir)).start()
    log_in(core.open())
    return core


@pytest.fixture
def tills(till_env, tmp_path) -> Iterator[list[AppCore]]:
    started = [start_till(till_env(n), tmp_path / f"till-{n}") for n in (1, 2)]
    yield started
    for core in started:
        core.stop()


def test_each_till_has_its_report_and_the_shop_adds_them_up(tills, till_env, tmp_path):
    one, two = tills
    assert one.sandbox_url == two.sandbox_url == till_env(1)["POS_SANDBOX_URL"]  # no sandbox of their own
    first = sell(one, {"item1": 2, "espresso": 1})  # $12.50
    second = sell(two, {"item2": 1}, card=MASTERCARD)  # $10.00
    third = sell(two, {"item3": 1})  # $15.00
    one.payments.checkout.refund(second.id, amount=300)  # at till 1, of till 2's sale: till 1's refund
    assert first.number.startswith("T01-") and second.number.startswith("T02-")

    store = one.local.store
    mine = build_report(store.orders, TODAY, "usd", one.payments.gateway, "till-1", tenders=store.tenders,
                        till="till-1")
    theirs = build_report(store.orders, TODAY, "usd", one.payments.gateway, "till-2", tenders=store.tenders,
                          till="till-2")
    assert [o.number for o in mine.orders] == [first.number] and mine.refunds_total == 300
    assert [o.number for o in theirs.orders] == [second.number, third.number] and theirs.refunds_total == 0
    assert mine.gateway_checked and theirs.gateway_checked and not mine.differences and not theirs.differences

    shop = build_shop_report(store.orders, TODAY, "usd", two.payments.gateway, tenders=store.tenders)
    assert [name for name, _day in shop.tills] == ["till-1", "till-2"]
    assert (shop.shop.sales_count, shop.shop.sales_total, shop.shop.refunds_total) == (3, 3750, 300)
    assert sum(day.net for _name, day in shop.tills) == shop.shop.net == 3450
    assert shop.shop.gateway_checked and shop.shop.differences == []

    csv_path = tmp_path / "shop.csv"
    out = cli("report", "--shop", "--csv", str(csv_path), data_dir=tmp_path / "till-1", env=till_env(1))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Shop end of day report {TODAY.isoformat()}: 2 tills" in out.stdout
    table_lines = out.stdout.splitlines()[3:7]  # shop name, title, blank, then the table
    assert [line.split() for line in table_lines] == [
        ["Till", "Sales", "Amount", "Refunds", "Amount", "Net"],
        ["till-1", "1", "$12.50", "1", "-$3.00", "$9.50"],
        ["till-2", "2", "$25.00", "0", "$0.00", "$25.00"],
        ["All", "tills", "3", "$37.50", "1", "-$3.00", "$34.50"]]
    assert f"All tills: {TODAY.isoformat()}" in out.stdout and "Net:                       $34.50" in out.stdout
    assert "Gateway check: all payments match" in out.stdout
    table = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert ["till_net", "till-2", "", "2500", "25.00", "usd"] in table
    assert ["summary", "net", "", "3450", "34.50", "usd"] in table

    own = cli("report", data_dir=tmp_path / "till-2", env=till_env(2))  # till 2's own day: its sales only
    assert own.returncode == 0, own.stdout + own.stderr
    assert "Sales:         2           $25.00" in own.stdout and "Refunds:       0            $0.00" in own.stdout
    assert "Gateway check: all payments match" in own.stdout  # till 1's sales are not its differences

    shifts = cli("report", "--shop", "--shifts", data_dir=tmp_path / "till-1", env=till_env(1))
    assert shifts.returncode == 0, shifts.stdout + shifts.stderr
    assert "Shop shifts of" in shifts.stdout and ": 2 shifts" in shifts.stdout
    assert "till-1 1: Gateway check: card total matches (1 payment(s))" in shifts.stdout
    assert "till-2 1: Gateway check: card total matches (2 payment(s))" in shifts.stdout


def test_a_tills_lost_sale_is_the_shops_difference_until_that_till_reconciles(tills, till_env, tmp_path):
    one, two = tills
    sell(one, {"item1": 1})
    lost = pay_without_order(two, {"item3": 1})  # till 2 dies before finalize
    two.stop()

    out = cli("report", "--shop", data_dir=tmp_path / "till-1", env=till_env(1))
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"! {lost}: succeeded at the gateway ($15.00) but no order was recorded" in out.stdout
    mine = cli("report", data_dir=tmp_path / "till-1", env=till_env(1))
    assert mine.returncode == 0 and "all payments match" in mine.stdout  # not till 1's payment

    again = start_till(till_env(2), tmp_path / "till-2")  # till 2 starts again: its reconcile finds it
    try:
        report = again.payments.checkout.reconcile()
        assert [o.payment_intent for o in report.finalized] == [lost]
        assert report.finalized[0].number.startswith("T02-")
    finally:
        again.stop()
    out = cli("report", "--shop", data_dir=tmp_path / "till-1", env=till_env(1))
    assert out.returncode == 0 and "Gateway check: all payments match" in out.stdout, out.stdout


def test_shop_options_go_together(tmp_path):
    out = cli("report", "--shifts", data_dir=tmp_path, env={})
    assert out.returncode == 2 and "--shifts goes with --shop" in out.stderr
