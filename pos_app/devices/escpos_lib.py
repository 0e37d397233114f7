"""python-escpos, imported once and only when a receipt is printed or a drawer kicked.

Importing escpos has two process-wide side effects we keep out of the till: its capabilities
module calls logging.basicConfig() (which would make `pos-app`'s own logging set-up a no-op, and
print every warning on stderr) and leaves a pickle of its printer database in a new temporary
folder per process. We point that pickle at a folder of our own and remove it after the import,
and take back the root handler it added. Lazily, because it costs ~0.3 s (PIL, qrcode, YAML):
opening the till (AppCore.open) stays quick.
"""

from __future__ import annotations

import logging
import os
import shutil
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
        pickle_dir = tempfile.mkdtemp(prefix="pos-escpos-") if _PICKLE_DIR not in os.environ else None
        if pickle_dir is not None:
            os.environ[_PICKLE_DIR] = pickle_dir
        try:
            import escpos.printer

            printers: ModuleType = escpos.printer
        finally:
            if pickle_dir is not None:
                del os.environ[_PICKLE_DIR]
                shutil.rmtree(pickle_dir, ignore_errors=True)
            for handler in root.handlers[:]:
                if handler not in handlers:  # logging.basicConfig() inside escpos.capabilities
                    root.removeHandler(handler)
        return printers
