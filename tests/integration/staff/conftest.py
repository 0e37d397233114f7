"""Fixtures for the staff's tests."""

from __future__ import annotations

import pytest

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store


@pytest.fixture
def store(tmp_path):
    """A new till's store, closed after the test."""
    with open_store(tmp_path / "pos.sqlite3", PricingPolicy()) as opened:
        yield opened
