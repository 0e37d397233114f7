"""Work around PySide6 6.12 (abi3 wheel) on Python 3.11: void calls release a reference to None.

Every call of a PySide6 function that returns nothing (QLabel.setText, processEvents, ...) or an
invalid QVariant gives Python None without taking a reference to it. After a few thousand such
calls None's reference count reaches zero and the interpreter aborts with "Fatal Python error:
none_dealloc". Python 3.12 made None immortal (PEP 683), which hides the bug there.

The workaround does what 3.12 does: give None a reference count so large that it never reaches
zero. Nothing else changes (None is never freed anyway); sys.getrefcount(None) shows a big number.
Applied once, when pos_app.qt is imported; a no-op on Python 3.12+.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL = 1 << 60


def make_none_immortal() -> bool:
    """Raise None's reference count out of reach; True if it was needed (Python < 3.12)."""
    if sys.version_info >= (3, 12):
        return False
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcount.value < _IMMORTAL // 2:
        refcount.value += _IMMORTAL
    return True
