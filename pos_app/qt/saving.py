"""Saving a report from a dialog: ask where (a Save dialog), write it, and say why it could not be written."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QWidget

from pos_app.errors import UserFacingError
from pos_app.i18n import _


def write_or_say(action: Callable[[], object], say_error: Callable[[str], object]) -> None:
    """Run action (a write, a print); a refusal or an OS error is said with say_error, never raised."""
    try:
        action()
    except (UserFacingError, OSError) as exc:
        say_error(str(exc) if isinstance(exc, UserFacingError) else _("Could not write: {reason}").format(reason=exc))


def save_as(parent: QWidget, title: str, suggested: str, file_filter: str, write: Callable[[str], object],
            say_error: Callable[[str], object]) -> None:
    """Ask for a file name (starting at `suggested`); if one is given, write(path) there."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    if path:
        write_or_say(lambda: write(path), say_error)
