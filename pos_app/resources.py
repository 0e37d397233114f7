"""Find files under ui/ and resources/ from a source checkout and from an installed wheel.

In a checkout they sit at the top of the repository, beside the package. The wheel carries
them inside the package as pos_app/_data/ui and pos_app/_data/resources (see pyproject.toml).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


class ResourceNotFound(FileNotFoundError):
    pass


@cache
def _root(kind: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise ResourceNotFound(f"pos-app's {kind}/ folder is missing from this installation")


def ui_path(name: str) -> Path:
    """Path of a Qt Designer form, e.g. ui_path("main_window.ui")."""
    return _existing(_root("ui") / name)


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under resources/, e.g. resource_path("web", "checkout.js")."""
    return _existing(_root("resources").joinpath(*parts))


def _existing(path: Path) -> Path:
    if not path.exists():
        raise ResourceNotFound(f"pos-app resource not found: {path}")
    return path
