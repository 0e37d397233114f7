"""`pos-app db upgrade` as a shop runs it (real subprocesses) on a till's SQLite file and a shop's PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.store.migrations import MIGRATIONS
from pos_app.store.pg_schema import PG_MIGRATIONS

TILL_SCHEMA = len(MIGRATIONS)
SHOP_SCHEMA = max(PG_MIGRATIONS)
PASSWORD = "Sh0pSecretPw"  # the test server trusts 127.0.0.1 and ignores it: what matters is it never shows


def db_upgrade(data_dir: Path, database_url: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    if database_url:
        env["POS_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                           str(data_dir), "db", "upgrade"], capture_output=True, text=True, timeout=60, env=env)


def with_password(url: str) -> str:
    return url.replace("pos@", f"pos:{PASSWORD}@", 1)


def test_a_new_till_file_is_created_then_already_current(tmp_path):
    first = db_upgrade(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"{tmp_path / 'pos.sqlite3'}: upgraded from schema 0 to {TILL_SCHEMA}\n"
    again = db_upgrade(tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{tmp_path / 'pos.sqlite3'}: already at schema {TILL_SCHEMA}\n"


def test_an_older_till_file_is_upgraded_from_its_version(tmp_path):
    from pos_app.store.db import Database
    Database(tmp_path / "pos.sqlite3", migrations=MIGRATIONS[:6]).close()
    out = db_upgrade(tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"{tmp_path / 'pos.sqlite3'}: upgraded from schema 6 to {TILL_SCHEMA}\n"
    with sqlite3.connect(tmp_path / "pos.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == TILL_SCHEMA


def test_a_till_file_of_a_newer_pos_app_is_refused_and_left_alone(tmp_path):
    assert db_upgrade(tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "pos.sqlite3") as conn:
        conn.execute(f"PRAGMA user_version = {TILL_SCHEMA + 1}")
    out = db_upgrade(tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert f"was written by a newer pos-app (schema {TILL_SCHEMA + 1}; this one knows {TILL_SCHEMA})" in out.stderr
    with sqlite3.connect(tmp_path / "pos.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == TILL_SCHEMA + 1


def test_a_folder_a_till_runs_on_is_refused(tmp_path):
    from pos_app.datalock import DataFolderLock
    with DataFolderLock(tmp_path, "pos-app serve"):
        out = db_upgrade(tmp_path)
    assert out.returncode == 2 and "pos-app serve" in out.stderr
    assert not (tmp_path / "pos.sqlite3").exists()


def test_a_new_shop_database_is_migrated_then_already_current(postgres_server, tmp_path):
    url = with_password(postgres_server.create_database("upgrade_new"))
    try:
        first = db_upgrade(tmp_path, url)
        assert first.returncode == 0, first.stderr
        shown = url.replace(f":{PASSWORD}", "")
        assert first.stdout == f"{shown}: upgraded from schema 0 to {SHOP_SCHEMA}\n"
        again = db_upgrade(tmp_path, url)
        assert again.returncode == 0, again.stderr
        assert again.stdout == f"{shown}: already at schema {SHOP_SCHEMA}\n"
        assert PASSWORD not in first.stdout + first.stderr + again.stdout + again.stderr
        assert not (tmp_path / "pos.sqlite3").exists()  # the shop's database, not a file of the folder
    finally:
        postgres_server.drop_database("upgrade_new")


def test_a_shop_database_of_a_newer_pos_app_is_refused_without_the_password(shop_database_url, tmp_path):
    import psycopg
    with psycopg.connect(shop_database_url, autocommit=True) as conn:
        conn.execute("UPDATE pos_schema SET version = %s", (SHOP_SCHEMA + 1,))
    out = db_upgrade(tmp_path, with_password(shop_database_url))
    assert out.returncode == 2 and out.stdout == ""
    assert f"was written by a newer pos-app (schema {SHOP_SCHEMA + 1}; this one knows {SHOP_SCHEMA})" in out.stderr
    assert PASSWORD not in out.stderr
    with psycopg.connect(shop_database_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM pos_schema").fetchone()[0] == SHOP_SCHEMA + 1


@pytest.mark.parametrize("database", ["nobody_here", "refused_port"])
def test_a_shop_database_out_of_reach_is_said_without_the_password(postgres_server, tmp_path, database):
    port = postgres_server.port if database == "nobody_here" else 1  # no such database / nothing listens
    url = f"postgresql://pos:{PASSWORD}@127.0.0.1:{port}/{database}"
    out = db_upgrade(tmp_path, url)
    assert out.returncode == 2 and out.stdout == ""
    assert "The shop database can't be reached" in out.stderr
    assert PASSWORD not in out.stderr
