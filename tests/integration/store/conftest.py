"""Fixtures for the store's tests."""

from __future__ import annotations

import pytest

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store


@pytest.fixture
def store(database_location):
    """A new till's store without the demo catalogue, on each backend (SQLite and the shop's
    PostgreSQL: pos_app.testing.plugin's database_location), closed after the test."""
    with open_store(database_location, PricingPolicy()) as opened:
        yield opened
