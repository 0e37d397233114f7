"""Many tills, one shop database: one running till per terminal id (issue 19).

A till (AppCore.open, `pos-app serve`) claims its POS_TERMINAL_ID with a PostgreSQL session advisory
lock before it writes anything; a second till with the same id is refused naming the id, and the
claim goes with the process, kill -9 included. Read-only commands never claim. Real tills: AppCores
and `pos-app serve` processes, each its own data folder and connections, on one shop database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psycopg
import pytest

from pos_app.core import AppCore
from pos_app.store import TerminalInUse
from pos_app.store.terminal_claim import terminal_key

from tests.integration.web.test_serve import Serve

from .tills import WAIT_S, till_settings


def core(url: str, number: int, folder, **changes) -> AppCore:
    return AppCore(till_settings(url, number, folder).with_(**changes))


def series(opened: AppCore) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in opened.open().store.db.query("SELECT till, prefix FROM receipt_series ORDER BY till")]


def test_a_second_till_with_the_same_terminal_id_is_refused_and_changes_nothing(shop_database_url, tmp_path):
    first = core(shop_database_url, 1, tmp_path / "a")
    first.open()
    try:
        before = series(first)
        twin = core(shop_database_url, 1, tmp_path / "b", receipt_series_setting="X9")  # another folder, another series
        with pytest.raises(TerminalInUse) as refused:
            twin.open()
        text = str(refused.value)
        assert "till till-1 is already running on this shop's database (connected since " in text
        assert "give each till its own POS_TERMINAL_ID" in text and "nothing was changed" in text
        assert series(first) == before == [("till-1", "T01")]  # the twin's series was never written
        assert twin.local is None and not twin._lock.held  # its folder is free again
        other = core(shop_database_url, 2, tmp_path / "b")  # another id beside it: fine
        other.open()
        assert series(other) == [("till-1", "T01"), ("till-2", "T02")]
        other.stop()
    finally:
        first.stop()
    again = core(shop_database_url, 1, tmp_path / "b")  # stopped: the id is free
    again.open()
    again.stop()


def test_terminal_keys_are_stable_and_apart():
    assert terminal_key("till-1") == terminal_key("till-1")
    assert len({terminal_key(f"till-{n}") for n in range(1000)}) == 1000
    assert all(-(2**63) <= terminal_key(f"till-{n}") < 2**63 for n in range(100))


def shop_folder(folder, url: str, terminal_id: str):
    """A till's data folder whose .env points at the shop's database (Serve clears POS_* variables)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".env").write_text(f"POS_DATABASE_URL={url}\nPOS_TERMINAL_ID={terminal_id}\n")
    return folder


def pos_app(folder, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--data-dir", str(folder), *args], cwd=folder,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_a_killed_till_frees_its_terminal_id_and_read_only_commands_never_claim(shop_database_url, tmp_path):
    running = Serve(shop_folder(tmp_path / "a", shop_database_url, "till-1"))
    try:
        twin = pos_app(shop_folder(tmp_path / "b", shop_database_url, "till-1"), "serve")
        assert twin.returncode == 2, twin.stderr
        assert "till till-1 is already running on this shop's database" in twin.stderr
        assert "Traceback" not in twin.stderr
        for command in (["orders"], ["report", "--date", "2026-12-01"], ["journal", "verify"]):
            read = pos_app(tmp_path / "b", *command)  # the same id, beside the running till
            assert read.returncode == 0, (command, read.stderr)
        assert running.request("GET", "/cart")[0] == 200  # the running till is untouched
    finally:
        running.stop(signal.SIGKILL)  # kill -9: no clean-up code runs; the server ends the session
    claimed = claim_when_free(shop_database_url, tmp_path / "c")
    claimed.stop()


def claim_when_free(url: str, folder) -> AppCore:
    """A till-1 core opened once the server has ended the killed till's session: a session of the
    test's own waits on the same advisory lock (the server grants it when the dead session's ends,
    lock_timeout bounds the wait), lets it go, and the till claims it."""
    with psycopg.connect(url, autocommit=True) as waiter:
        waiter.execute(f"SET lock_timeout = '{WAIT_S}s'")
        waiter.execute("SELECT pg_advisory_lock(%s)", (terminal_key("till-1"),))
        waiter.execute("SELECT pg_advisory_unlock(%s)", (terminal_key("till-1"),))
    opened = core(url, 1, folder)
    opened.open()
    return opened
