"""Test setup shared by every suite: headless Qt and QtWebEngine, set before Qt is imported.

The pos-app pytest plugin (pos_app.testing.plugin, loaded through its pytest11 entry point) does
this already; doing it here too keeps a run with the plugin disabled (-p no:pos_app) working.
"""

from __future__ import annotations

from pos_app.testing.plugin import configure_headless_qt

configure_headless_qt()

# QtWebEngine must be imported before the QApplication exists (pytest-qt's qapp is created lazily).
from PySide6 import QtWebEngineWidgets  # noqa: E402,F401
