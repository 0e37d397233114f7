"""`pos-app reader register|list|use|location` in training (real subprocesses over the data folder's
sandbox, as the till would see it)."""

from __future__ import annotations

import os
import subprocess
import sys

from pos_app.config import Settings


def reader(*args, data_dir, env_file) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", str(env_file),
                           "--data-dir", str(data_dir), "reader", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_register_use_and_list_in_training(tmp_path):
    env_file, data = tmp_path / "till.env", tmp_path / "data"
    empty = reader("list", data_dir=data, env_file=env_file)
    assert empty.returncode == 0 and "pos-app reader register CODE" in empty.stdout
    first = reader("register", "simulated-wpe", "--label", "Till 1", data_dir=data,
                   env_file=env_file)
    assert first.returncode == 0, first.stderr
    assert "reader Till 1 registered: tmr_" in first.stdout and "simulated_wisepos_e" in first.stdout
    assert not env_file.exists()  # registering alone picks nothing for the till
    second = reader("register", "simulated-s700", "--label", "Till 2", "--use", data_dir=data,
                    env_file=env_file)
    assert second.returncode == 0, second.stderr
    chosen = Settings.load(environ={}, env_file=env_file).reader_id
    assert chosen.startswith("tmr_") and chosen in second.stdout
    rows = [line.split() for line in reader("list", data_dir=data, env_file=env_file).stdout
            .splitlines()[1:]]
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("Till", "2", chosen, "simulated_stripe_s700"), ("Till", "1", rows[1][2], "simulated_wisepos_e")]
    assert rows[0][-1] == "*" and rows[1][-1] == "online"
    locations = reader("location", "list", data_dir=data, env_file=env_file).stdout.splitlines()
    assert len(locations) == 2 and "pos-app demo shop" in locations[1]  # made once, for the shop
    switched = reader("use", rows[1][2], data_dir=data, env_file=env_file)
    assert switched.returncode == 0
    assert Settings.load(environ={}, env_file=env_file).reader_id == rows[1][2]


def test_refusals_are_one_clear_line(tmp_path):
    env_file, data = tmp_path / "till.env", tmp_path / "data"
    bad = reader("register", "sepia-cerulean-aqua", "--label", "X", data_dir=data, env_file=env_file)
    assert bad.returncode == 2 and "registration code provided is invalid" in bad.stderr
    unknown = reader("use", "tmr_missing", data_dir=data, env_file=env_file)
    assert unknown.returncode == 2 and "No such terminal.reader" in unknown.stderr
    malformed = reader("use", "reader-1", data_dir=data, env_file=env_file)
    assert malformed.returncode == 2 and "must be a reader id" in malformed.stderr
    added = reader("location", "add", "Back shop", "--line1", "2 Side St", "--city", "Springfield",
                   "--state", "IL", "--postal-code", "62701", data_dir=data, env_file=env_file)
    assert added.returncode == 0 and "Back shop" in added.stdout
    reader("location", "add", "Front shop", data_dir=data, env_file=env_file)
    several = reader("register", "simulated-wpe", "--label", "X", data_dir=data, env_file=env_file)
    assert several.returncode == 2 and "name one with --location" in several.stderr
    for run in (bad, unknown, malformed, several):
        assert "Traceback" not in run.stderr
