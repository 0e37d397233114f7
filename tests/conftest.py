"""Test setup shared by every suite: headless Qt and QtWebEngine, set before Qt is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run its sandbox as root; only then do we turn it off.
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

# QtWebEngine must be imported before the QApplication exists (pytest-qt's qapp is created lazily).
from PySide6 import QtWebEngineWidgets  # noqa: E402,F401
