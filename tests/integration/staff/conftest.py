"""Fixtures for the staff's tests."""

from __future__ import annotations

import pytest

from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store


@pytest.fixture
def store(database_location):
    """A new till's store on each backend (its SQLite file; the shop's PostgreSQL database), closed after the test."""
    with open_store(database_location, PricingPolicy()) as opened:
        yield opened
