"""pytest plugin of pos-app (registered under the pytest11 entry point).

Sets up headless Qt before any test imports Qt: QT_QPA_PLATFORM=offscreen unless a platform
was chosen, and QtWebEngine's --no-sandbox only when running as root (Chromium refuses its
sandbox there).
"""

from __future__ import annotations

import os


def configure_headless_qt() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()


def pytest_configure(config) -> None:
    configure_headless_qt()
