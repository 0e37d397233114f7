"""Cold-start baseline child: a bare PySide6 QMainWindow (same interpreter, flags and environment
as benchmarks/launch_pos_app.py), with the same first-paint/idle probe.

    python benchmarks/launch_bare.py [--webengine]

--webengine also imports QtWebEngineWidgets before the QApplication and sets
AA_ShareOpenGLContexts, as run_gui must (no page is loaded): the floor of any QtWebEngine app.
"""

from __future__ import annotations

import time

_T0 = time.time()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _ready  # noqa: E402

_ready.STAMPS["script"] = _T0


def main(argv: list[str]) -> int:
    if "--webengine" in argv:
        from PySide6 import QtWebEngineWidgets  # noqa: F401
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    _ready.stamp("imports_done")
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare window"))
    window.resize(1180, 720)
    _ready.stamp("window_built")
    _ready.report_when_ready(window)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
