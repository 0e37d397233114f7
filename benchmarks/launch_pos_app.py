"""Cold-start child: runs the real `pos-app` entry point (pos_app.cli.main, i.e. run_gui) unchanged.

The only additions are wrappers around pos_app.qt.start_screen.StartScreen (the PIN screen run_gui
shows first) and pos_app.qt.app.build_main_window (the till window, once the store is open), both
looked up at call time, that record when each was built and install the first-paint/idle probe of
benchmarks/_ready.py on each: `painted`/`idle` for the start screen, `sale_painted`/`sale_idle` for
the till window, whose probe quits the app, so run_gui's normal shutdown runs.

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
    import pos_app.qt.start_screen as start_screen
    from pos_app import cli

    original_screen, original_window = start_screen.StartScreen, qt_app.build_main_window

    def start_screen_probed(settings):
        _ready.stamp("app_made")  # run_gui: QApplication made, the translators installed
        screen = original_screen(settings)
        _ready.stamp("screen_built")
        _ready.report_when_ready(screen, prefix="", last=False)
        return screen

    def build_main_window(core, **kwargs):
        _ready.stamp("store_opened")  # AppCore.open() returned (on its thread), back on the GUI thread
        window = original_window(core, **kwargs)
        _ready.stamp("window_built")
        _ready.report_when_ready(window, prefix="sale_")
        return window

    start_screen.StartScreen = start_screen_probed
    qt_app.build_main_window = build_main_window
    _ready.stamp("imports_done")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
