"""python-escpos, imported once and only when a receipt is printed or a drawer kicked.

Importing escpos has two process-wide side effects we keep out of the till: its capabilities
module calls logging.basicConfig() (which would make `pos-app`'s own logging set-up a no-op, and
print every warning on stderr) and leaves a pickle of its printer database in a new temporary
folder per process. We point that pickle (and the folder escpos makes anyway) at a folder of our
own, remove it after the import, and take back the root handler it added. Lazily, because it
costs ~0.3 s (PIL, qrcode, YAML): opening the till (AppCore.open) stays quick.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from types import ModuleType

_lock = threading.Lock()
_PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def escpos_printers() -> ModuleType:
    """The `escpos.printer` module (Dummy, File, Network, Usb, Serial)."""
    with _lock:
        import sys

        loaded = sys.modules.get("escpos.printer")
        if loaded is not None:
            return loaded
        root = logging.getLogger()
        handlers = list(root.handlers)
        own_dir, saved_tempdir = tempfile.mkdtemp(prefix="pos-escpos-"), tempfile.tempdir
        own_pickle = _PICKLE_DIR not in os.environ
        if own_pickle:
            os.environ[_PICKLE_DIR] = own_dir
        tempfile.tempdir = own_dir  # escpos calls mkdtemp() even when told where the pickle goes
        try:
            import escpos.printer

            printers: ModuleType = escpos.printer
        finally:
            tempfile.tempdir = saved_tempdir
            if own_pickle:
                del os.environ[_PICKLE_DIR]
            _remove_own(own_dir)
            for handler in root.handlers[:]:
                if handler not in handlers:  # logging.basicConfig() inside escpos.capabilities
                    root.removeHandler(handler)
        return printers


def _remove_own(folder: str) -> None:
    """Remove escpos's pickle and empty folders; anything another thread put there meanwhile stays."""
    for entry in os.scandir(folder):
        try:
            if entry.is_dir():
                os.rmdir(entry.path)
            elif entry.name.endswith(".capabilities.pickle"):
                os.unlink(entry.path)
        except OSError:
            pass
    try:
        os.rmdir(folder)
    except OSError:
        pass
