"""`pos-app shift open|status|close` and `pos-app report --shift N | --x` as a user runs them (real subprocesses)."""

from __future__ import annotations

import csv
import io

import pytest

from pos_app.core import AppCore
from pos_app.domain.money import Money
from tests.integration.reports.sales import training_till, pay_without_order, sell
from tests.integration.test_cli_reports import run


def squeeze(text: str) -> str:
    """The output with runs of spaces made one: the columns' widths are not what is tested."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture
def till(tmp_path):
    with training_till(tmp_path) as core:
        yield core


def test_a_headless_shift_opens_reports_and_closes_with_a_blind_count(tmp_path):
    status = run("shift", "status", data_dir=tmp_path)
    assert status.returncode == 0 and "no shift is open" in status.stdout
    opened = run("shift", "open", "--float", "100.00", data_dir=tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert "shift 1 open on till-1 with a float of $100.00" in opened.stdout
    x = run("shift", "status", data_dir=tmp_path)
    assert "Shift so far (X) report: till-1 shift 1" in x.stdout and "Expected cash $100.00" in squeeze(x.stdout)
    refused = run("shift", "close", "--counted", "99.50", data_dir=tmp_path, stdin="0000\n")  # a cashier's PIN
    assert refused.returncode != 0 and "manager's PIN is needed to close the shift" in refused.stderr, refused
    closed = run("shift", "close", "--counted", "99.50", data_dir=tmp_path, stdin="1234\n")  # the demo manager's
    assert closed.returncode == 0, closed.stderr
    assert "Shift close (Z) report" in closed.stdout and "Short -$0.50" in squeeze(closed.stdout)
    assert "no shift is open" in run("shift", "status", data_dir=tmp_path).stdout


@pytest.mark.parametrize(("args", "message"), [
    (["shift", "open", "--float", "12.345"], "--float: '12.345' has more than 2 decimal places for USD"),
    (["shift", "open", "--float", "twelve"], "--float: 'twelve' is not an amount"),
    (["shift", "open", "--float=-5"], "--float: an amount of zero or more"),
    (["shift", "close", "--counted", "10"], "no shift is open"),
    (["shift", "open"], "the following arguments are required: --float"),
    (["shift"], "the following arguments are required: ACTION"),
    (["report", "--shift", "1"], "no till database"),
    (["report", "--shift", "1", "--x"], "not allowed with argument"),
    (["report", "--shift", "0"], "must be a whole number of at least 1"),
])
def test_bad_shift_commands_exit_2_naming_what_is_wrong(tmp_path, args, message):
    if args[0] == "shift":
        run("shift", "status", data_dir=tmp_path)  # the database exists, no shift open
    done = run(*args, data_dir=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    if args[0] == "shift":
        assert "no shift is open" in run("shift", "status", data_dir=tmp_path).stdout  # nothing changed


def test_report_gives_a_shifts_z_and_the_open_shifts_x_with_the_card_total_checked(till, tmp_path):
    shifts = till.open().shifts
    shifts.open(Money(5_000, "usd"))
    sell(till, {"item1": 2, "espresso": 1})  # $12.50 by card
    shifts.paid_out(Money(700, "usd"), "milk")
    shifts.close(Money(4_300, "usd"))
    shifts.open(Money(0, "usd"))
    sell(till, {"item2": 1})  # $10.00
    till.stop()

    z = run("report", "--shift", "1", "--csv", str(tmp_path / "z.csv"), data_dir=tmp_path)
    assert z.returncode == 0, z.stdout + z.stderr
    assert "Shift close (Z) report: till-1 shift 1" in z.stdout and "Card sales 1 $12.50" in squeeze(z.stdout)
    assert "Expected cash $43.00" in squeeze(z.stdout) and "Over/short" in z.stdout
    assert "Gateway check: card total matches (1 payment(s))" in z.stdout
    rows = {(r["section"], r["key"]): r["amount_minor"]
            for r in csv.DictReader(io.StringIO((tmp_path / "z.csv").read_text(encoding="utf-8")))}
    assert (rows[("cash", "expected")], rows[("cash", "over_short")], rows[("card", "sales")]) == ("4300", "0", "1250")
    assert rows[("paid_out", "milk")] == "700"
    x = run("report", "--x", data_dir=tmp_path)
    assert x.returncode == 0 and "Shift so far (X) report: till-1 shift 2" in x.stdout
    assert "Card sales 1 $10.00" in squeeze(x.stdout) and "card total matches" in x.stdout


def test_a_card_payment_the_shift_never_recorded_is_a_difference(till, tmp_path):
    till.open().shifts.open(Money(0, "usd"))
    sell(till, {"item1": 1})
    pay_without_order(till, {"item2": 1})  # the till died before finalize
    till.stop()
    x = run("report", "--x", data_dir=tmp_path)
    assert x.returncode == 1, x.stdout + x.stderr
    assert "the gateway took $15.00 by card in 2 payment(s); the shift's orders record $5.00" in x.stdout


def test_a_count_under_way_at_the_till_hides_the_expected_cash_from_the_command_line(till, tmp_path):
    shifts = till.open().shifts
    shifts.open(Money(2_500, "usd"))
    shifts.paid_in(Money(1_234, "usd"), "change from the safe")
    shifts.start_count()  # the cashier is counting at the till (its process holds the data folder)
    for args in (["report", "--x"], ["report", "--shift", "1"]):
        refused = run(*args, data_dir=tmp_path)
        assert refused.returncode == 2 and "blind count of shift 1 is under way" in refused.stderr, refused.stderr
        assert "37.34" not in refused.stdout + refused.stderr
    till.stop()  # the till went down mid-count: the count is still under way on the next start

    restarted = AppCore(till.settings)
    try:
        assert restarted.open().shifts.counting
    finally:
        restarted.stop()
    status = run("shift", "status", data_dir=tmp_path)
    assert status.returncode == 0 and "shift 1 is being counted" in status.stdout, status.stdout + status.stderr
    assert "Expected" not in status.stdout and "37.34" not in status.stdout
    closed = run("shift", "close", "--counted", "37.34", data_dir=tmp_path, stdin="1234\n")  # counted: it closes, blind
    assert closed.returncode == 0 and "Over/short $0.00" in squeeze(closed.stdout), closed.stdout + closed.stderr
