"""The tester kit: a pytest plugin (fixtures pos_config, pos_app, pos_window, pos) and PosDriver.

Installed with pos-app and loaded by pytest through the pytest11 entry point; see docs/testing.md.
Nothing here imports Qt until it is used, so the plugin costs nothing to sessions without Qt.
"""

from __future__ import annotations

__all__ = ["PosDriver", "training_settings"]


def __getattr__(name: str):
    if name == "PosDriver":
        from pos_app.testing.driver import PosDriver
        return PosDriver
    if name == "training_settings":
        from pos_app.testing.plugin import training_settings
        return training_settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
