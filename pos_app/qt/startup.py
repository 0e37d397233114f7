"""Before the window: check that Qt can open a display, and show an error that stops the start.

Without a display (or its libraries) one line says what to set or install; an error that stops
the till from starting is also shown in a dialog (started from an icon, nobody sees stderr).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from pos_app.errors import UserFacingError
from pos_app.i18n import _

#: Libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu package of each (see README).
XCB_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXcomposite.so.1": "libxcomposite1",
    "libXdamage.so.1": "libxdamage1",
    "libXtst.so.6": "libxtst6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libgbm.so.1": "libgbm1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libasound.so.2": "libasound2",
    "libnss3.so": "libnss3",
    "libnssutil3.so": "libnss3",
    "libsmime3.so": "libnss3",
    "libnspr4.so": "libnspr4",
}
#: What the window loads: Qt's xcb platform plugin and QtWebEngine (the card page); ldd follows their deps.
WINDOW_LIBRARIES = ("plugins/platforms/libqxcb.so", "lib/libQt6WebEngineCore.so.6")


class NoDisplay(UserFacingError):
    """The till window cannot be opened here; the message says what to set or install."""


def _qt_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("PySide6")  # its folder only: importing a Qt module may fail here
    return Path(spec.origin).parent / "Qt"


def _platform_plugin(name: str) -> Path | None:
    path = _qt_dir() / "plugins" / "platforms" / f"libq{name}.so"
    return path if path.is_file() else None


def missing_libraries(*binaries: Path) -> list[str]:
    """The shared libraries these need and the system lacks (ldd, else the dynamic loader)."""
    import ctypes  # here, not at import: every start imports this module, few run the check (~7 ms)
    import subprocess
    binaries = tuple(b for b in binaries if b.is_file())
    ldd = shutil.which("ldd")
    if ldd and binaries:
        out = subprocess.run([ldd, *map(str, binaries)], capture_output=True, text=True, timeout=30).stdout
        missing = [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
        return list(dict.fromkeys(missing))
    for binary in binaries:
        try:
            ctypes.CDLL(str(binary))
        except OSError as exc:  # "libxcb-icccm.so.4: cannot open shared object file: ..."
            return [str(exc).split(":")[0]]
    return []


def display_problem(environ=os.environ) -> str | None:
    """None if Qt can open a window here; else one sentence saying what to set or install.

    Without this check Qt prints a few lines and aborts the process (a core dump) when DISPLAY is
    unset or a library of its xcb plugin is missing. A platform the user chose (offscreen, vnc, …)
    is trusted.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform not in ("", "xcb", "wayland"):
        return None
    if platform == "wayland" or (not platform and environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY")):
        return None if environ.get("WAYLAND_DISPLAY") else (
            "no display for the till window: QT_QPA_PLATFORM is wayland but WAYLAND_DISPLAY is not set")
    if not environ.get("DISPLAY"):
        return ("no display for the till window: DISPLAY is not set. Start pos-app from a desktop session "
                "(or set DISPLAY=:0), or run `pos-app serve` for the till without a window")
    import ctypes.util
    plugin = _platform_plugin("xcb")
    missing = missing_libraries(*(_qt_dir() / name for name in WINDOW_LIBRARIES)) if plugin else []
    if plugin and ctypes.util.find_library("xcb-cursor") is None and "libxcb-cursor.so.0" not in missing:
        missing.append("libxcb-cursor.so.0")  # Qt 6.5+ loads it at run time: ldd can't see it
    if missing:
        packages = " ".join(dict.fromkeys(XCB_PACKAGES.get(lib, lib) for lib in missing))
        return (f"the till window needs system libraries that are missing ({', '.join(missing)}); "
                f"on Debian/Ubuntu: sudo apt-get install {packages}")
    return None


def check_display() -> None:
    problem = display_problem()
    if problem:
        raise NoDisplay(problem)


def startup_error_box(text: str):
    """The dialog that says why the till did not start (a QMessageBox, not shown yet)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, _("pos-app did not start"), text, QMessageBox.StandardButton.Close)
    box.setObjectName("startupError")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a setting's value is not markup
    box.setInformativeText(_("Fix what is named above (a setting lives in .env or the environment), then start "
                             "pos-app again."))
    return box


def show_startup_error(text: str) -> None:
    """Show the error in a dialog when there is a display to show it on (stderr gets it anyway)."""
    if display_problem() is not None:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (kept alive for exec)
    startup_error_box(text).exec()
