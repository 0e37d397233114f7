"""Cold-start child: runs the real `pos-app` entry point (pos_app.cli.main, i.e. run_gui) unchanged.

The only addition is a wrapper around pos_app.qt.app.build_main_window (looked up as a module
global by run_gui) that records when the window was built and installs the first-paint/idle probe
of benchmarks/_ready.py; the probe quits the app, so run_gui's normal shutdown runs.

    python benchmarks/launch_pos_app.py --data-dir DIR [--env-file FILE]
"""

from __future__ import annotations

import time

_T0 = time.time()  # the interpreter is up and running this script

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _ready  # noqa: E402

_ready.STAMPS["script"] = _T0


def main(argv: list[str]) -> int:
    import pos_app.qt.app as qt_app
    from pos_app import cli

    original = qt_app.build_main_window

    def build_main_window(core, **kwargs):
        _ready.stamp("core_started")  # run_gui: QApplication made, AppCore started, warm-up queued
        window = original(core, **kwargs)
        _ready.stamp("window_built")
        _ready.report_when_ready(window)
        return window

    qt_app.build_main_window = build_main_window
    _ready.stamp("imports_done")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
