"""POS_LOCALE chooses the language of the command line's reports (a real `pos-app report` subprocess):
German labels, German formats, and the CSV's keys unchanged (programs read them)."""

from __future__ import annotations

import csv
import io

from tests.integration.reports.sales import sell, training_till
from tests.integration.test_cli_options import run


def test_the_days_report_in_german(tmp_path):
    with training_till(tmp_path) as core:
        sell(core, {"item1": 2, "espresso": 1})  # $12.50
        core.stop()
    csv_path = tmp_path / "z.csv"
    report = run("report", "--data-dir", str(tmp_path), "--csv", str(csv_path), "--env-file", "/nonexistent",
                 env_extra={"POS_LOCALE": "de_DE"})
    assert report.returncode == 0, report.stdout + report.stderr
    out = report.stdout
    assert "Tagesabschluss (Z-Bon)" in out and "Verkäufe:" in out and "12,50" in out, out
    assert "Abgleich mit dem Zahlungsdienst: alle Zahlungen stimmen überein" in out, out
    assert "Sales:" not in out and "CSV geschrieben nach" in out
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert rows[0] == ["section", "key", "count", "amount_minor", "amount", "currency"]
    assert rows[1][:2] == ["summary", "sales"]
