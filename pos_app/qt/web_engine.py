"""The web engine profile the checkout page uses, and its warm-up at start-up.

Chromium's first page costs a second or more (processes, GPU/software compositor, V8). Loading a
hidden about:blank page at start-up pays that while the cashier is still building the cart, so
the card form appears quickly at Charge.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QFile, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript

log = logging.getLogger(__name__)

QWEBCHANNEL_JS = ":/qtwebchannel/qwebchannel.js"


def checkout_profile() -> QWebEngineProfile:
    """Qt's default profile: off the record in Qt 6 (nothing of a payment page is kept on disk)."""
    return QWebEngineProfile.defaultProfile()


def warm_up(parent: QObject | None = None) -> QWebEnginePage:
    """Start Chromium with a hidden blank page; keep the returned page until shutdown, then delete it."""
    page = QWebEnginePage(checkout_profile(), parent)
    page.setObjectName("warmUpPage")
    page.loadFinished.connect(lambda ok: log.debug("web engine warmed up (%s)", "ok" if ok else "failed"))
    page.load(QUrl("about:blank"))
    return page


@cache
def qwebchannel_source() -> str:
    """Qt's qwebchannel.js, from the resource compiled into Qt WebChannel."""
    file = QFile(QWEBCHANNEL_JS)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"cannot read {QWEBCHANNEL_JS}: {file.errorString()}")
    try:
        return bytes(file.readAll()).decode("utf-8")
    finally:
        file.close()


def qwebchannel_script() -> QWebEngineScript:
    """qwebchannel.js injected in the main world of the top frame only, before the page's own scripts."""
    script = QWebEngineScript()
    script.setName("qwebchannel")
    script.setSourceCode(qwebchannel_source())
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script
