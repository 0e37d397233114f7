"""Fixtures for the window tests: the tester kit's (pos_app.testing.plugin) under the names these
tests use. A real AppCore (store, training sandbox, endpoint) in a fresh folder; the till window
built and torn down as the kit does it (shown, start-up reconciliation done)."""

from __future__ import annotations

import pytest


@pytest.fixture
def settings(pos_config):
    return pos_config


@pytest.fixture
def core(pos_app):
    return pos_app


@pytest.fixture
def window(pos_window):
    return pos_window
