"""`pos-app journal verify|export` as an auditor runs them (real subprocesses over a till's data folder)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store
from tests.integration.test_cli_reports import run


def write_entries(data_dir, n: int) -> None:
    with open_store(data_dir / "pos.sqlite3", PricingPolicy()) as store:
        for number in range(n):
            store.journal.append("sale", {"order": f"T1-{number + 1:04d}", "total": 1000 + number}, user="ana")


def test_verify_says_how_many_entries_it_checked_and_the_head(tmp_path):
    write_entries(tmp_path, 3)
    verified = run("journal", "verify", data_dir=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "journal of till-1: 3 entries checked, the chain is whole; head: entry 3 " in verified.stdout


def test_verify_names_the_first_edited_entry_and_exits_1(tmp_path):
    write_entries(tmp_path, 4)
    conn = sqlite3.connect(tmp_path / "pos.sqlite3")
    conn.executescript("DROP TRIGGER journal_no_update; UPDATE journal SET payload = '{\"order\":\"T1-0002\","
                       "\"total\":1}' WHERE seq = 2;")
    conn.close()
    verified = run("journal", "verify", data_dir=tmp_path)
    assert verified.returncode == 1
    assert "journal of till-1: entry 2 edited: entry 2's content no longer matches its hash" in verified.stdout


def test_export_writes_json_lines_and_csv(tmp_path):
    write_entries(tmp_path, 2)
    lines = run("journal", "export", "--since", "today", data_dir=tmp_path)
    assert lines.returncode == 0, lines.stderr
    entries = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [(e["seq"], e["user"], e["payload"]["total"]) for e in entries] == [(1, "ana", 1000), (2, "ana", 1001)]
    assert entries[1]["prev_hash"] == entries[0]["hash"] and entries[0]["training"] is True

    out = tmp_path / "journal.csv"
    written = run("journal", "export", "--format", "csv", "--out", str(out), data_dir=tmp_path)
    assert written.returncode == 0 and "2 journal entries written to" in written.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["payload"] for r in rows] == ['{"order":"T1-0001","total":1000}', '{"order":"T1-0002","total":1001}']
    assert run("journal", "export", "--until", "yesterday", data_dir=tmp_path).stdout == ""


def test_export_refuses_a_bad_day_naming_the_option(tmp_path):
    write_entries(tmp_path, 1)
    refused = run("journal", "export", "--since", "31-12-2026", data_dir=tmp_path)
    assert refused.returncode != 0 and "--since must be YYYY-MM-DD" in refused.stderr
