"""`pos-app users add|list|disable|reset-pin` as a manager runs them (real subprocesses, PINs on stdin)."""

from __future__ import annotations

import os
import subprocess
import sys


def users(*args, data_dir, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                           str(data_dir), "users", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=env)


def test_the_first_manager_then_the_staff_with_a_managers_pin(tmp_path):
    empty = users("list", data_dir=tmp_path)
    assert empty.returncode == 0 and "pos-app users add NAME --role manager" in empty.stdout
    first = users("add", "Mia", "--role", "manager", "--pin-stdin", data_dir=tmp_path, stdin="4711\n")
    assert first.returncode == 0, first.stderr
    assert "Mia added as manager" in first.stdout
    carl = users("add", "Carl", "--pin-stdin", data_dir=tmp_path, stdin="4711\n1111\n")
    assert carl.returncode == 0 and "Carl added as cashier" in carl.stdout
    refused = users("add", "Dora", "--pin-stdin", data_dir=tmp_path, stdin="1111\n2222\n")
    assert refused.returncode == 2 and "A manager's PIN is needed to look after the staff" in refused.stderr
    assert users("reset-pin", "Carl", "--pin-stdin", data_dir=tmp_path, stdin="4711\n3333\n").returncode == 0
    disabled = users("disable", "Carl", "--pin-stdin", data_dir=tmp_path, stdin="4711\n")
    assert disabled.returncode == 0 and "Carl disabled" in disabled.stdout
    listed = users("list", data_dir=tmp_path).stdout.splitlines()
    assert [" ".join(line.split()) for line in listed] == ["Mia manager", "Carl cashier (disabled)"]
    for run in (first, carl, refused, disabled):
        assert "4711" not in run.stdout + run.stderr and "1111" not in run.stdout + run.stderr


def test_a_bad_pin_or_role_is_one_clear_line_and_changes_nothing(tmp_path):
    short = users("add", "Mia", "--role", "manager", "--pin-stdin", data_dir=tmp_path, stdin="12\n")
    assert short.returncode == 2 and "a PIN is 4 to 8 digits" in short.stderr and "Traceback" not in short.stderr
    role = users("add", "Mia", "--role", "boss", data_dir=tmp_path)
    assert role.returncode == 2 and "invalid choice: 'boss'" in role.stderr
    assert "no manager is set up yet" in users("list", data_dir=tmp_path).stdout
