"""One till per data folder: every command that writes takes the folder's lock; read-only ones don't.

Real processes: a `pos-app serve` holds the folder, and a second serve, a sandbox or an import beside
it is refused with a message naming the folder and the process; `orders` and `report` still work.
Before the lock, the second process kept its own cart over the same database and one process's
acknowledged change was silently dropped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.datalock import DataFolderInUse, DataFolderLock

from tests.integration.web.test_serve import Serve

pytestmark = pytest.mark.slow


def pos_app(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--data-dir", str(data_dir), *args],
                          cwd=data_dir, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)


def test_a_second_writer_is_refused_naming_the_folder_and_the_holder(tmp_path):
    (tmp_path / "items.csv").write_text("sku,name,price\nnew1,New thing,1.00\n")
    first = Serve(tmp_path)
    try:
        for command in (["serve"], ["import-catalogue", str(tmp_path / "items.csv")], ["sandbox"]):
            refused = pos_app(tmp_path, *command)
            assert refused.returncode == 2, (command, refused.stderr)
            assert f"the data folder {tmp_path} is in use by pos-app serve (process " \
                   f"{first.process.pid}, since" in refused.stderr, command
            assert "Traceback" not in refused.stderr
        status, cart = first.json("GET", "/cart")
        assert status == 200 and cart["items"] == {}  # the holder is untouched
        # Read-only commands work beside the running till.
        assert pos_app(tmp_path, "orders").returncode == 0
        report = pos_app(tmp_path, "report", "--date", "2026-12-01")
        assert report.returncode == 0, report.stderr
    finally:
        first.stop(signal.SIGINT)
    # Nothing of the catalogue import happened while refused; after the holder stopped it does.
    done = pos_app(tmp_path, "import-catalogue", str(tmp_path / "items.csv"))
    assert done.returncode == 0 and "1 added" in done.stdout, done.stderr


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    first = Serve(tmp_path)
    first.stop(signal.SIGKILL)  # kill -9: no clean-up code runs
    second = Serve(tmp_path)
    try:
        assert second.request("GET", "/cart")[0] == 200
    finally:
        second.stop(signal.SIGINT)


def test_two_cores_in_one_process_are_refused_too(tmp_path):
    settings = Settings(data_dir=tmp_path)
    first = AppCore(settings, command="the first till")
    first.open()
    try:
        with pytest.raises(DataFolderInUse, match="in use by the first till"):
            AppCore(settings).open()
    finally:
        first.stop()
    second = AppCore(settings)
    second.open()  # the lock was released by stop()
    second.stop()


def test_the_lock_file_is_the_owners_only(tmp_path):
    with DataFolderLock(tmp_path, "a test"):
        assert (tmp_path / "pos.lock").stat().st_mode & 0o777 == 0o600
