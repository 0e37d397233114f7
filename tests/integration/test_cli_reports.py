"""`pos-app orders` and `pos-app report` as a user runs them (real subprocesses), after real
training-mode sales through AppCore and the sandbox."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date

import pytest

from tests.integration.payments.helpers import MASTERCARD
from tests.integration.reports.sales import training_till, pay_without_order, sell


def run(*args, data_dir, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}  # training mode
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent",
                           "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=60,
                          env=env, input=stdin)


@pytest.fixture
def till(tmp_path):
    """Start a training till, hand it to the test; the test stops it (closing the day)."""
    with training_till(tmp_path) as core:
        yield core


def test_orders_and_the_days_report_show_the_sales(till, tmp_path):
    first = sell(till, {"item1": 2, "espresso": 1})  # $12.50
    second = sell(till, {"item2": 1}, card=MASTERCARD)  # $10.00
    till.payments.checkout.refund(second.id, amount=300)
    till.stop()  # the end of the day: the till is closed

    orders = run("orders", data_dir=tmp_path)
    assert orders.returncode == 0, orders.stderr
    lines = orders.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [second.number, first.number]  # newest first
    assert "$12.50" in lines[1] and "Visa" in lines[1] and first.payment_intent in lines[1]
    assert "Mastercard" in lines[0] and "4444" in lines[0] and "refunded $3.00" in lines[0]

    csv_path = tmp_path / "z.csv"
    report = run("report", "--date", "today", "--csv", str(csv_path), data_dir=tmp_path)
    assert report.returncode == 0, report.stdout + report.stderr
    out = report.stdout
    assert f"End of day (Z) report {date.today().isoformat()}" in out
    assert "Sales:         2           $22.50" in out
    assert "Refunds:       1           -$3.00" in out
    assert "Net:                       $19.50" in out
    assert "Gateway check: all payments match" in out
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    summary = {r["key"]: r for r in rows if r["section"] == "summary"}
    assert (summary["sales"]["count"], summary["sales"]["amount_minor"], summary["sales"]["amount"]) == \
        ("2", "2250", "22.50")
    assert summary["net"]["amount_minor"] == "1950"
    assert {r["key"]: r["count"] for r in rows if r["section"] == "card_brand"} == {"Mastercard": "1", "Visa": "1"}
    assert not [r for r in rows if r["section"] == "difference"]

    same = run("report", "--date", date.today().isoformat(), data_dir=tmp_path)
    assert same.returncode == 0 and same.stdout + f"CSV written to {csv_path}\n" == out


def test_a_sale_the_sandbox_saw_without_an_order_is_a_difference(till, tmp_path):
    sell(till, {"item1": 1})
    lost = pay_without_order(till, {"item3": 1})  # the till dies before finalize
    till.stop()

    csv_path = tmp_path / "z.csv"
    report = run("report", "--date", "today", "--csv", str(csv_path), data_dir=tmp_path)

    assert report.returncode == 1, report.stdout + report.stderr
    assert "Gateway check: 1 difference(s)" in report.stdout
    assert f"! {lost}: succeeded at the gateway ($15.00) but no order was recorded" in report.stdout
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert [r["key"] for r in rows if r["section"] == "difference"] == \
        [f"{lost}: succeeded at the gateway ($15.00) but no order was recorded"]


def test_bad_date_and_missing_database_are_refused(tmp_path):
    bad = run("report", "--date", "26/11/2026", data_dir=tmp_path)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    none = run("orders", data_dir=tmp_path / "empty")
    assert none.returncode == 2 and "no till database" in none.stderr
