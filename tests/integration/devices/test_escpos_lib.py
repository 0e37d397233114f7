"""Importing python-escpos leaves the process as it was: no root log handler, no temporary folder."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import glob, logging, os, sys, tempfile
before = set(os.listdir(tempfile.gettempdir()))
import pos_app.core, pos_app.devices  # the till opens without escpos
assert "escpos" not in sys.modules, "escpos imported before a receipt is printed"
from pos_app.devices.escpos_lib import escpos_printers
assert escpos_printers().Dummy is not None and escpos_printers() is sys.modules["escpos.printer"]
assert logging.getLogger().handlers == [], logging.getLogger().handlers
assert "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ
left = set(os.listdir(tempfile.gettempdir())) - before
assert not [name for name in left if name.startswith(("pos-escpos-", "tmp"))], left
"""


def test_escpos_is_imported_late_and_its_import_time_side_effects_are_undone(tmp_path):
    env = {"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
